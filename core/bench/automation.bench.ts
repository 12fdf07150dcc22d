// Rule engine: runs per second of a 3-action rule, and the time from an event's commit to the
// first action starting (p50/p99), beside the outbox relay's own figures in the same run.
//   pnpm exec tsx core/bench/automation.bench.ts
import { defineAction, defineAddon, defineTrigger } from '@elevate/sdk';
import { bootTestKernel } from '@elevate/testkit';
import { Project, ProjectUpdated, projects } from '@elevate-fixture/projects';

const TENANTS = 4;
const PER_TENANT = 100;
const LATENCY_EVENTS = 60;

/** When each run's first action started (in-process clock), by the event's aggregate id. */
const firstAction = new Map<string, number>();
const bench = defineAddon({
  id: 'bench',
  version: '1.0.0',
  title: 'Bench',
  description: 'A trigger and a no-op action for the engine benchmark.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [projects],
  workflows: [
    defineTrigger(ProjectUpdated, { title: 'Project updated', payload: { type: 'object' }, model: Project }),
    defineAction<{ step: number }, { ok: true }>({
      name: 'bench.noop',
      title: 'No-op',
      params: { type: 'object', properties: { step: { type: 'integer' } } },
      run: (p, ctx) => {
        if (p.step === 1) {
          const id = (ctx.trigger.payload as { id: string }).id;
          if (!firstAction.has(id)) firstAction.set(id, performance.now());
        }
        return { ok: true };
      },
    }),
  ],
});

const env = await bootTestKernel({ addons: [projects, bench], env: { RELAY_INTERVAL_MS: '60000' } });
const tenants = [];
for (let i = 0; i < TENANTS; i++) {
  const t = await env.tenant(`bench${i}`, { enable: ['projects', 'bench'] });
  const res = await t.client.post('/api/v1/core/automation/rules', {
    name: '3 actions',
    trigger: { type: 'event', event: 'projects.project.updated' },
    actions: [1, 2, 3].map((n) => ({ id: `a${n}`, action: 'bench.noop', params: { step: n } })),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  tenants.push(t);
}
await env.flush();

// Events as the outbox holds them (aggregate ids that are no uuid: the engine loads no record). Updated, not
// created: projects' inline subscriber of created would make the relay hand rows on one by one.
const insert = (tenantId: string, n: number, prefix: string) =>
  env.sql(
    `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload)
     select $1, 'event', 'projects.project.updated', $2 || g, jsonb_build_object('id', $2 || g, 'name', 'P' || g)
     from generate_series(1, ${n}) g`,
    [tenantId, prefix],
  );
const settled = async () =>
  (
    await env.sql<{ n: number }>(
      "select count(*)::int as n from core_automation_run where status in ('succeeded', 'failed', 'stopped')",
    )
  )[0]?.n ?? 0;
const until = async (want: number) => {
  while ((await settled()) < want) await new Promise((r) => setTimeout(r, 20));
};

// 1. Throughput: 400 events over 4 tenants, committed at once.
for (const t of tenants) await insert(t.id, PER_TENANT, `${t.slug}-thr-`);
const t0 = performance.now();
await env.flush();
const relayMs = performance.now() - t0;
await until(TENANTS * PER_TENANT);
const engineMs = performance.now() - t0;
console.log(JSON.stringify({ phase: 'throughput', relayMs: Math.round(relayMs), engineMs: Math.round(engineMs) }));

// 2. Latency: events one at a time, a commit every 150 ms (below one tenant's rate, so no backlog), relay woken at commit.
const committed = new Map<string, number>();
const t1 = tenants[0] as (typeof tenants)[number];
for (let i = 0; i < LATENCY_EVENTS; i++) {
  const id = `lat-${i}`;
  await env.sql(
    `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload)
     values ($1, 'event', 'projects.project.updated', $2::text, jsonb_build_object('id', $2::text, 'name', 'L'))`,
    [t1.id, id],
  );
  committed.set(id, performance.now());
  env.kernel.relay.wake();
  await new Promise((r) => setTimeout(r, 150));
}
await until(TENANTS * PER_TENANT + LATENCY_EVENTS);
const relayLat = await env.sql<{ ms: number }>(
  `select extract(epoch from relayed_at - created_at) * 1000 as ms from core_outbox
   where aggregate_id like 'lat-%' order by ms`,
);
const lat = [...committed]
  .map(([id, at]) => (firstAction.get(id) ?? Number.NaN) - at)
  .filter((x) => !Number.isNaN(x))
  .sort((a, b) => a - b);
const pct = (xs: number[], p: number) =>
  Math.round((xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0) * 10) / 10;
console.log(
  JSON.stringify({
    throughput: {
      events: TENANTS * PER_TENANT,
      tenants: TENANTS,
      relayEventsPerSec: Math.round((TENANTS * PER_TENANT) / (relayMs / 1000)),
      ruleRunsPerSec: Math.round((TENANTS * PER_TENANT) / (engineMs / 1000)),
      actionsPerSec: Math.round((3 * TENANTS * PER_TENANT) / (engineMs / 1000)),
    },
    latency: {
      events: LATENCY_EVENTS,
      measured: lat.length,
      commitToRelayedMs: {
        p50: pct(
          relayLat.map((r) => Number(r.ms)),
          0.5,
        ),
        p99: pct(
          relayLat.map((r) => Number(r.ms)),
          0.99,
        ),
      },
      commitToFirstActionMs: { p50: pct(lat, 0.5), p99: pct(lat, 0.99) },
    },
  }),
);
await env.close();
