// Custom-field filter vs native-column filter: the contacts list (REST, authenticated, under
// RLS, record rules, the custom-field projection) in a tenant of 10,000 contacts, filtered on a
// custom field the platform indexes (`elevate_cf_text(custom, key)`, leakproof) against the same
// filter on a native indexed column, measured in interleaved slices so outside load falls on both.
//   node --import tsx/esm addons/crm/bench/custom-fields.bench.ts

import { loadavg } from 'node:os';
import { bootTestKernel } from '@elevate/testkit';
import { type LoadResult, spawnLoad } from '@elevate/testkit/load';
import { crm } from '../src/index.ts';

const CONCURRENCY = 10;
const MS = Number(process.env.BENCH_MS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONTACTS = 10_000;

const env = await bootTestKernel({ addons: [crm], workers: false, env: { DATABASE_POOL_SIZE: '10' } });
const t = await env.tenant('cfbench', { enable: ['crm'] });
const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
for (const body of [
  { model: 'crm.contact', key: 'ext_ref', label: 'External ref', type: 'text', filterable: true },
  { model: 'crm.contact', key: 'region', label: 'Region', type: 'text', filterable: true },
]) {
  const res = await t.client.post('/api/v1/core/custom-fields', body);
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
}
// Each contact: a unique email (native, indexed) and the same text as ext_ref (custom); a city
// of 50 (native, indexed here for the comparison) and the same text as region (custom).
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, email, city, custom)
   select $1, $2, 'person', 'Person ' || g, 'p' || g || '@example.test', 'City ' || (g % 50),
     jsonb_build_object('ext_ref', 'p' || g || '@example.test', 'region', 'City ' || (g % 50))
   from generate_series(1, ${CONTACTS}) g`,
  [t.id, owner?.id],
);
await env.sql('create index bench_city_idx on crm_contact (tenant_id, city)');
const { created } = await env.admin.syncCustomFieldIndexes();
await env.sql('vacuum analyze');

const auth = { authorization: `Bearer ${t.client.token}` };
const L = `${env.url}/api/v1/crm/contacts?limit=50&sort=name`;
const pairs = {
  'one row (unique value)': [`${L}&email=p4242@example.test`, `${L}&custom.ext_ref=p4242@example.test`],
  '200 rows (1 in 50), first page of 50': [`${L}&city=City%207`, `${L}&custom.region=City%207`],
};
for (const [native, custom] of Object.values(pairs)) {
  const a = await (await fetch(native as string, { headers: auth })).json();
  const b = await (await fetch(custom as string, { headers: auth })).json();
  const ids = (r: { data: { id: string }[] }) => r.data.map((x) => x.id).join();
  if (!a.data?.length || ids(a) !== ids(b)) throw new Error(`native and custom filters disagree: ${native}`);
}

async function interleaved(urls: string[]): Promise<LoadResult[]> {
  for (const url of urls) await spawnLoad({ url, headers: auth, concurrency: CONCURRENCY, ms: 1000 });
  const slices: LoadResult[][] = urls.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, url] of urls.entries()) {
      slices[i]?.push(await spawnLoad({ url, headers: auth, concurrency: CONCURRENCY, ms: MS / ROUNDS }));
    }
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  return slices.map((s) => {
    const requests = s.reduce((n, r) => n + r.requests, 0);
    const seconds = s.reduce((n, r) => n + (r.rps ? r.requests / r.rps : 0), 0);
    return {
      requests,
      rps: Math.round(requests / seconds),
      p50: median(s.map((r) => r.p50)),
      p99: median(s.map((r) => r.p99)),
      errors: s.reduce((n, r) => n + r.errors, 0),
    };
  });
}

const load0 = loadavg()[0]?.toFixed(2);
const out: Record<string, unknown> = { indexes: created, contacts: CONTACTS, concurrency: CONCURRENCY, ms: MS };
for (const [name, [native, custom]] of Object.entries(pairs)) {
  const [n, c] = (await interleaved([native as string, custom as string])) as [LoadResult, LoadResult];
  out[name] = {
    native: n,
    custom: c,
    // Time per request, custom over native (target ≤ 1.5).
    slowdown: Math.round((n.rps / c.rps) * 100) / 100,
  };
}
out.load = { before: load0, after: loadavg()[0]?.toFixed(2) };
console.log(JSON.stringify(out, null, 2));
await env.close();
