// crm benchmark: list 50 contacts from a tenant of 10,000 contacts, and create contacts one per
// request — over REST and GraphQL, authenticated, under RLS, permissions and record rules —
// against the fastest honest raw-SQL server (node:http + pg, one indexed page query, the same
// fields), measured in the same run.   node --import tsx/esm addons/crm/bench/contacts.bench.ts
// (node --import tsx/esm, as ./elevate runs the server: the tsx CLI also hooks require(), which
// loads a second copy of graphql for graphql-jit, so compiled queries would fall back to graphql-js)

import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { bootTestKernel } from '@elevate/testkit';
import { type LoadResult, spawnLoad } from '@elevate/testkit/load';
import pg from 'pg';
import { crm } from '../src/index.ts';

const CONCURRENCY = 10;
const MS = Number(process.env.BENCH_MS ?? 5000);
const CONTACTS = 10_000;

const env = await bootTestKernel({ addons: [crm], workers: false, env: { DATABASE_POOL_SIZE: '10' } });
const t = await env.tenant('bench', { enable: ['crm'] });
const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);

// 10,000 contacts: 500 companies, 9,500 people (each at a company), 20 tags, 0-3 tags each.
await env.sql(
  `insert into crm_tag (tenant_id, name, color) select $1, 'tag ' || g, 'blue' from generate_series(1, 20) g`,
  [t.id],
);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, email, city)
   select $1, $2, 'company', 'Company ' || g, 'info@company' || g || '.test', 'City ' || (g % 50)
   from generate_series(1, 500) g`,
  [t.id, owner?.id],
);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, first_name, last_name, email, city, company_id)
   select $1, $2, 'person', 'Person ' || g, 'First' || g, 'Last' || g, 'person' || g || '@example.test', 'City ' || (g % 50),
     (select id from crm_contact where tenant_id = $1 and kind = 'company' and name = 'Company ' || (1 + g % 500))
   from generate_series(1, ${CONTACTS - 500}) g`,
  [t.id, owner?.id],
);
await env.sql(
  `insert into crm_contact_tag (tenant_id, contact_id, tag_id)
   select c.tenant_id, c.id, tg.id from crm_contact c
   join lateral (select id from crm_tag where tenant_id = c.tenant_id order by md5(c.id::text || id::text) limit (abs(hashtext(c.id::text)) % 4)) tg on true
   where c.tenant_id = $1`,
  [t.id],
);
// Vacuum now, or autovacuum wakes up for the fresh rows in the middle of a measurement.
await env.sql('vacuum analyze');

// The reference: the fastest honest server for the same rows. One indexed page query
// (`crm_contact_name_idx` on (tenant_id, name), tie-broken by id), no count, the contact's own
// columns (what the platform's list returns by default), as a named prepared statement;
// create is one `insert ... returning` (autocommit, no event). No auth, no transaction, no RLS
// (the pool connects as the database owner), no validation.
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
const COLS = `id, kind, name, first_name as "firstName", last_name as "lastName", email, phone,
  job_title as "jobTitle", company_id as "companyId", website, street, city, postal_code as "postalCode", country,
  source, owner_id as "ownerId", created_by as "createdBy", created_at as "createdAt", updated_at as "updatedAt"`;
const LIST = {
  name: 'bench_list',
  text: `select ${COLS} from crm_contact where tenant_id = $1 order by name, id limit 50 offset $2`,
};
const INSERT = {
  name: 'bench_insert',
  text: `insert into crm_contact (tenant_id, owner_id, created_by, kind, name, email) values ($1, $2, $2, 'person', $3, $4) returning ${COLS}`,
};
const rawServer = http.createServer(async (req, res) => {
  try {
    if (req.method === 'POST') {
      let body = '';
      for await (const chunk of req) body += chunk;
      const input = JSON.parse(body) as { name: string; email: string };
      const r = await raw.query({ ...INSERT, values: [t.id, owner?.id, input.name, input.email] });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r.rows[0]));
      return;
    }
    const offset = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('offset') ?? 0);
    const r = await raw.query({ ...LIST, values: [t.id, offset] });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ data: r.rows, limit: 50, offset }));
  } catch (err) {
    res.writeHead(500);
    res.end(String(err));
  }
});
await new Promise<void>((r) => rawServer.listen(0, '127.0.0.1', r));
const rawBase = `http://127.0.0.1:${(rawServer.address() as AddressInfo).port}`;

const auth = { authorization: `Bearer ${t.client.token}` };
const json = { ...auth, 'content-type': 'application/json' };

// Sanity: every server answers the same first page.
const check = async (res: Response) => {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return res.json();
};
const rawFirst = await check(await fetch(`${rawBase}/?offset=0`));
const restFirst = await check(
  await fetch(`${env.url}/api/v1/crm/contacts?limit=50&offset=0&sort=name`, { headers: auth }),
);
if (rawFirst.data.map((r: { id: string }) => r.id).join() !== restFirst.data.map((r: { id: string }) => r.id).join()) {
  throw new Error('REST and raw SQL disagree on the first page');
}

/**
 * Measures servers in interleaved slices (a, b, c, a, b, c, ...: ROUNDS slices of MS / ROUNDS
 * each, after a 1 s warm-up each), so that load from outside the benchmark that comes and goes
 * during a run falls on the reference and the platform alike; the ratio is taken from the sums.
 * rps = all requests / all measured time; p50 and p99 are the medians of the slices' figures.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
type Spec = Record<string, unknown>;
type Measured = LoadResult & { cpu: { node: number; pg: number } };

/** CPU seconds (user + system) PostgreSQL's backends of this database have used so far. */
async function pgCpuSeconds(): Promise<number> {
  const pids = await env.sql<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
  );
  let ticks = 0;
  for (const { pid } of pids) {
    try {
      // Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised command name).
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // Not readable (PostgreSQL on another host): the figure stays 0.
    }
  }
  return ticks / 100;
}

async function interleaved(specs: Spec[]): Promise<Measured[]> {
  for (const spec of specs) await spawnLoad({ ...spec, concurrency: CONCURRENCY, ms: 1000 });
  const slices: LoadResult[][] = specs.map(() => []);
  const cpu = specs.map(() => ({ node: 0, pg: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, spec] of specs.entries()) {
      const pg0 = await pgCpuSeconds();
      const node0 = process.cpuUsage();
      slices[i]?.push(await spawnLoad({ ...spec, concurrency: CONCURRENCY, ms: MS / ROUNDS }));
      const node = process.cpuUsage(node0);
      const c = cpu[i] as { node: number; pg: number };
      c.node += (node.user + node.system) / 1e6;
      c.pg += (await pgCpuSeconds()) - pg0;
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  return slices.map((s, i) => {
    const requests = s.reduce((n, r) => n + r.requests, 0);
    const c = cpu[i] as { node: number; pg: number };
    // Each slice's duration from its own requests and rate.
    const seconds = s.reduce((n, r) => n + (r.rps ? r.requests / r.rps : 0), 0);
    return {
      requests,
      rps: Math.round(requests / seconds),
      p50: median(s.map((r) => r.p50)),
      p99: median(s.map((r) => r.p99)),
      errors: s.reduce((n, r) => n + r.errors, 0),
      // CPU per request in µs: this process (the platform, or the reference when it is measured)
      // and PostgreSQL's backends (10 ms clock ticks, summed over the slices).
      cpu: { node: Math.round((c.node / requests) * 1e6), pg: Math.round((c.pg / requests) * 1e6) },
    };
  });
}

/** The reference's columns, as GraphQL fields. */
const GQL_FIELDS =
  'id kind name firstName lastName email phone jobTitle companyId website street city postalCode country source ownerId createdBy createdAt updatedAt';

/** The three list servers, for one way of choosing pages (load from a separate process). */
async function lists(offset: { fixed: number } | { randomBelow: number }) {
  const gqlBody = JSON.stringify({
    query: `{ contacts(limit: 50, offset: {offset}, sort: "name") { items { ${GQL_FIELDS} } } }`,
  }).replace('"{offset}"', '{offset}');
  const rawSpec = { url: `${rawBase}/?offset={offset}`, offset };
  const restSpec = { url: `${env.url}/api/v1/crm/contacts?limit=50&sort=name&offset={offset}`, headers: auth, offset };
  const gqlSpec = { url: `${env.url}/graphql`, method: 'POST', body: gqlBody, headers: json, offset };
  const [rawRes, restRes, gqlRes] = (await interleaved([rawSpec, restSpec, gqlSpec])) as [Measured, Measured, Measured];
  return {
    raw: rawRes,
    rest: restRes,
    graphql: gqlRes,
    restRatio: ratio(restRes, rawRes),
    graphqlRatio: ratio(gqlRes, rawRes),
  };
}
const ratio = (a: { rps: number }, b: { rps: number }) => Math.round((a.rps / b.rps) * 100) / 100;

// The first page (what a list view opens on) and random pages across all 10,000 rows.
const firstPage = await lists({ fixed: 0 });
const randomPages = await lists({ randomBelow: CONTACTS });
const createBody = JSON.stringify({ name: 'Bench {seq}', email: 'bench{seq}-{rand}@example.test' });
const createSpec = { method: 'POST', body: createBody };
const [rawCreate, restCreate] = (await interleaved([
  { ...createSpec, url: rawBase, headers: { 'content-type': 'application/json' } },
  { ...createSpec, url: `${env.url}/api/v1/crm/contacts`, headers: json },
])) as [Measured, Measured];

rawServer.close();
await raw.end();
console.log(
  JSON.stringify(
    {
      contacts: CONTACTS,
      concurrency: CONCURRENCY,
      seconds: MS / 1000,
      rounds: ROUNDS,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
      listFirstPage: firstPage,
      listRandomPages: randomPages,
      create: { raw: rawCreate, rest: restCreate, ratio: ratio(restCreate, rawCreate) },
    },
    null,
    2,
  ),
);
await env.close();
