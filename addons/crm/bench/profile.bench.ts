// Profiler for the crm bench's requests: statements per request, CPU profile of the
// platform under load (top self time), CPU µs per request of this process and of PostgreSQL.
//   node --import tsx/esm addons/crm/bench/profile.bench.ts [list|gql|create] [ms]
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { bootTestKernel } from '@elevate/testkit';
import { spawnLoad } from '@elevate/testkit/load';
import pg from 'pg';
import { crm } from '../src/index.ts';

const modes = (process.argv[2] ?? 'list,gql,create').split(',');
const MS = Number(process.argv[3] ?? 6000);
const PROF = process.env.PROF !== '0';
const QUIET = process.env.QUIET === '1';
const env = await bootTestKernel({ addons: [crm], workers: false, env: { DATABASE_POOL_SIZE: '10' } });
const t = await env.tenant('bench', { enable: ['crm'] });
const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
await env.sql(
  `insert into crm_tag (tenant_id, name, color) select $1, 'tag ' || g, 'blue' from generate_series(1, 20) g`,
  [t.id],
);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, email, city)
   select $1, $2, 'company', 'Company ' || g, 'info@company' || g || '.test', 'City ' || (g % 50) from generate_series(1, 500) g`,
  [t.id, owner?.id],
);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, first_name, last_name, email, city, company_id)
   select $1, $2, 'person', 'Person ' || g, 'First' || g, 'Last' || g, 'person' || g || '@example.test', 'City ' || (g % 50),
     (select id from crm_contact where tenant_id = $1 and kind = 'company' and name = 'Company ' || (1 + g % 500))
   from generate_series(1, 9500) g`,
  [t.id, owner?.id],
);
await env.sql('vacuum analyze');

const auth = { authorization: `Bearer ${t.client.token}` };
const json = { ...auth, 'content-type': 'application/json' };
const GQL_FIELDS =
  'id kind name firstName lastName email phone jobTitle companyId website street city postalCode country source ownerId createdBy createdAt updatedAt';
const specs: Record<string, Record<string, unknown>> = {
  list: { url: `${env.url}/api/v1/crm/contacts?limit=50&sort=name&offset=0`, headers: auth },
  gql: {
    url: `${env.url}/graphql`,
    method: 'POST',
    headers: json,
    body: JSON.stringify({ query: `{ contacts(limit: 50, offset: 0, sort: "name") { items { ${GQL_FIELDS} } } }` }),
  },
  create: {
    url: `${env.url}/api/v1/crm/contacts`,
    method: 'POST',
    headers: json,
    body: JSON.stringify({ name: 'Bench {seq}', email: 'bench{seq}-{rand}@example.test' }),
  },
};

// Statements of one request: every query text the pg clients send.
const log: string[] = [];
let logging = false;
const orig = pg.Client.prototype.query;
let queries = 0;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  queries += 1;
  if (logging) {
    const a = args[0] as string | { text: string; name?: string };
    log.push(typeof a === 'string' ? a : `[${a.name ?? 'unnamed'}] ${a.text}`);
  }
  return (orig as (...a: unknown[]) => unknown).apply(this, args);
} as typeof orig;

async function pgCpu(): Promise<number> {
  const pids = await env.sql<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {}
  }
  return ticks / 100;
}

const session = new Session();
session.connect();
const out: Record<string, unknown> = {};
for (const mode of modes) {
  const spec = specs[mode] as Record<string, unknown>;
  const once = async () => {
    const body =
      typeof spec.body === 'string'
        ? spec.body.replace('{seq}', 'x').replace('{seq}', 'x').replace('{rand}', String(Math.random()))
        : undefined;
    const res = await fetch(spec.url as string, {
      method: (spec.method as string) ?? 'GET',
      headers: spec.headers as Record<string, string>,
      body,
    });
    await res.text();
    return res.headers.get('x-db-statements');
  };
  await once();
  await new Promise((r) => setTimeout(r, 300));
  log.length = 0;
  logging = true;
  const n = await once();
  await new Promise((r) => setTimeout(r, 300));
  logging = false;
  if (!QUIET) console.error(`---- ${mode}: x-db-statements=${n}, client queries seen:`);
  if (!QUIET) for (const s of log) console.error(`  • ${s.replace(/\s+/g, ' ').slice(0, 600)}`);
  await spawnLoad({ ...spec, concurrency: 10, ms: 1500 });
  if (PROF) {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
  }
  const q0 = queries;
  const pg0 = await pgCpu();
  const c0 = process.cpuUsage();
  const r = await spawnLoad({ ...spec, concurrency: 10, ms: MS });
  const c = process.cpuUsage(c0);
  const pgs = (await pgCpu()) - pg0;
  if (PROF) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(`/tmp/prof-${process.env.TAG ?? ''}${mode}.cpuprofile`, JSON.stringify(profile));
  }
  out[mode] = {
    rps: r.rps,
    requests: r.requests,
    errors: r.errors,
    nodeUs: Math.round((c.user + c.system) / r.requests),
    pgUs: Math.round((pgs / r.requests) * 1e6),
    pgQueriesPerRequest: Math.round(((queries - q0) / r.requests) * 100) / 100,
  };
  console.error(mode, out[mode]);
}
console.log(JSON.stringify(out));
await env.close();
