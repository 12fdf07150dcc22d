// Outbox relay throughput: 10,000 committed events for one tenant, no inline subscribers
// (the shape of a CSV import), relayed to BullMQ and Redis pub/sub.
//   pnpm exec tsx core/bench/relay.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';

const N = 10_000;
const env = await bootTestKernel({ addons: [projects], workers: false, env: { RELAY_INTERVAL_MS: '60000' } });
const t = await env.tenant('relay', { enable: ['projects'] });
await env.flush();
// An event no subscriber listens to (projects' own subscriber listens to created only).
await env.sql(
  `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload)
   select $1, 'event', 'projects.project.updated', gen_random_uuid()::text, jsonb_build_object('n', g) from generate_series(1, ${N}) g`,
  [t.id],
);
const t0 = performance.now();
const left = await env.flush();
const ms = performance.now() - t0;
console.log(JSON.stringify({ events: N, left, ms: Math.round(ms), perEventUs: Math.round((ms / N) * 1000) }));
await env.close();
