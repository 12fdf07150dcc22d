// PostgreSQL CPU per statement group of a REST list request (opening with and without the MFA gate and
// permissions, the list query, round trips), on one connection and on 10 at once; prints JSON.
//   node --import tsx/esm addons/crm/bench/pg-cost.bench.ts
import { readFileSync } from 'node:fs';
import { bootTestKernel } from '@elevate/testkit';
import pg from 'pg';
import { crm } from '../src/index.ts';

/** The app role's connection string (the owner URL with the app role's credentials, as the kernel makes it). */
function appUrl(): string {
  const c = env.kernel.config;
  const u = new URL(c.databaseUrl);
  u.username = c.appDbUser;
  u.password = c.appDbPassword;
  return u.toString();
}

const N = Number(process.env.N ?? 3000);
const env = await bootTestKernel({ addons: [crm], workers: false, env: { DATABASE_POOL_SIZE: '10' } });
const t = await env.tenant('bench', { enable: ['crm'] });
const [owner] = await env.sql<{ id: string }>('select id from core_user where tenant_id = $1', [t.id]);
await env.sql(
  `insert into crm_contact (tenant_id, owner_id, kind, name, first_name, last_name, email, city)
   select $1, $2, 'person', 'Person ' || g, 'First' || g, 'Last' || g, 'person' || g || '@example.test', 'City ' || (g % 50)
   from generate_series(1, 10000) g`,
  [t.id, owner?.id],
);
await env.sql('vacuum analyze');
const seen: { text: string; name?: string; values?: unknown[] }[] = [];
let logging = false;
const orig = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (logging) {
    const a = args[0] as string | { text: string; name?: string; values?: unknown[] };
    seen.push(typeof a === 'string' ? { text: a, values: args[1] as unknown[] } : a);
  }
  return (orig as (...a: unknown[]) => unknown).apply(this, args);
} as typeof orig;
const get = async () =>
  (
    await fetch(`${env.url}/api/v1/crm/contacts?limit=50&sort=name&offset=0`, {
      headers: { authorization: `Bearer ${t.client.token}` },
    })
  ).text();
await get();
logging = true;
await get();
await new Promise((r) => setTimeout(r, 100));
logging = false;
const opening = seen.find((s) => s.text.startsWith('begin'))?.text as string;
const list = seen.find((s) => s.text.includes('from crm_contact')) as { text: string; values: unknown[] };
console.error('OPENING:', opening, '\nLIST:', list.text, list.values);
const c = new pg.Client({
  connectionString: appUrl(),
});
await c.connect();
const { pid } = (await c.query('select pg_backend_pid() as pid')).rows[0] as { pid: number };
const cpu = () => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000; // µs
};
// Split the opening: head (begin + set_config) and the principal select.
const idx = opening.indexOf('; select u.id');
const head = opening.slice(0, idx);
const principal = opening.slice(idx + 2);
const uuids = [...principal.matchAll(/'([0-9a-f-]{36})'/g)].map((m) => m[1]);
let k = 0;
const param = principal.replace(/'([0-9a-f-]{36})'/g, () => `$${++k}`);
await c.query(`prepare pr as ${param}`);
const prArgs = uuids.map((u) => `'${u}'`).join(', ');
const noMfa = param.replace(/,\s*case when coalesce[\s\S]*?end as mfa_gate/, '');
await c.query(`prepare pr_nomfa as ${noMfa}`);
const noPerm = noMfa.replace(/,\s*\(select array_agg[\s\S]*?as patterns/, '');
await c.query(`prepare pr_noperm as ${noPerm}`);
await c.query(`prepare lx as ${list.text}`);
for (let i = 0; i < 8; i++) {
  await c.query(head);
  const e = await c.query(`explain (analyze, buffers, costs off) execute lx('${list.values[0]}', 50, 0)`);
  if (i === 0 || i === 7) console.error(e.rows.map((r) => r['QUERY PLAN']).join('\n'));
  await c.query('rollback');
}
{
  await c.query(head);
  const e = await c.query(`explain (analyze, buffers, costs off) ${opening.slice(idx + 2)}`);
  console.error(e.rows.map((r) => r['QUERY PLAN']).join('\n'));
  await c.query('rollback');
}
const variants: Record<string, () => Promise<unknown>> = {
  'begin+set; rollback': async () => {
    await c.query(head);
    await c.query('rollback');
  },
  'begin+set+principal; rollback': async () => {
    await c.query(`${head}; execute pr(${prArgs})`);
    await c.query('rollback');
  },
  'begin+set+principal(no mfa); rollback': async () => {
    await c.query(`${head}; execute pr_nomfa(${prArgs})`);
    await c.query('rollback');
  },
  'begin+set+principal(no mfa, no perms); rollback': async () => {
    await c.query(`${head}; execute pr_noperm(${prArgs})`);
    await c.query('rollback');
  },
  'full request (opening, list, rollback)': async () => {
    await c.query(`${head}; execute pr(${prArgs})`);
    await c.query({ name: 'l', text: list.text, values: list.values });
    await c.query('rollback');
  },
  'begin+set; list; rollback': async () => {
    await c.query(head);
    await c.query({ name: 'l', text: list.text, values: list.values });
    await c.query('rollback');
  },
  'select 1': async () => {
    await c.query('select 1');
  },
};
const out: Record<string, { pgUs: number; wallUs: number }> = {};
for (let round = 0; round < 2; round++) {
  for (const [name, fn] of Object.entries(variants)) {
    for (let i = 0; i < 200; i++) await fn();
    const c0 = cpu();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await fn();
    const wall = ((performance.now() - t0) * 1000) / N;
    const used = (cpu() - c0) / N;
    if (round === 1) out[name] = { pgUs: Math.round(used), wallUs: Math.round(wall) };
  }
}
console.log(JSON.stringify(out, null, 1));
// Concurrent: 10 connections doing the same, PostgreSQL CPU of all of them per operation.
const clients = await Promise.all(
  Array.from({ length: 10 }, async () => {
    const cl = new pg.Client({
      connectionString: appUrl(),
    });
    await cl.connect();
    await cl.query(`prepare pr as ${param}`);
    const { pid: p } = (await cl.query('select pg_backend_pid() as pid')).rows[0] as { pid: number };
    return { cl, pid: p };
  }),
);
const cpuOf = (p: number) => {
  const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10_000;
};
const conc: Record<string, (cl: pg.Client) => Promise<unknown>> = {
  'select 1 x1': async (cl) => {
    await cl.query('select 1');
  },
  'select 1 x3 round trips': async (cl) => {
    await cl.query('select 1');
    await cl.query('select 1');
    await cl.query('select 1');
  },
  'select 1;1;1 one round trip': async (cl) => {
    await cl.query('select 1; select 1; select 1');
  },
  'full request 3 RT': async (cl) => {
    await cl.query(`${head}; execute pr(${prArgs})`);
    await cl.query({ name: 'l', text: list.text, values: list.values });
    await cl.query('rollback');
  },
  'list alone (no tx)': async (cl) => {
    await cl.query({ name: 'l', text: list.text, values: list.values });
  },
};
const cout: Record<string, number> = {};
for (const [name, fn] of Object.entries(conc)) {
  const M = 600;
  const run = () =>
    Promise.all(
      clients.map(async ({ cl }) => {
        for (let i = 0; i < M; i++) await fn(cl);
      }),
    );
  await run();
  const c0 = clients.reduce((n, x) => n + cpuOf(x.pid), 0);
  const t0 = performance.now();
  await run();
  cout[name] = Math.round((clients.reduce((n, x) => n + cpuOf(x.pid), 0) - c0) / (M * 10));
  console.error(name, cout[name], 'µs pg/op; wall per op', Math.round(((performance.now() - t0) * 1000) / (M * 10)));
}
console.log(JSON.stringify(cout));
for (const { cl } of clients) await cl.end();
await c.end();
await env.close();
