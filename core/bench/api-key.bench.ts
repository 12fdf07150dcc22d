// What resolving an API key costs against a user's access token: the request's first round trip
// (BEGIN read-only + tenant setting + principal) with `openWithPrincipal` (JWT: user, family probe,
// roles) and with `openWithApiKey` (key row by primary key and hash, creator, roles, pattern
// intersection). Alternates the two on one connection; prints JSON (docs/performance.md).
//   pnpm exec tsx core/bench/api-key.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import pg from 'pg';
import { apiKeyTouches, openWithApiKey, parseApiKey } from '../src/auth/api-keys.ts';
import { openWithPrincipal } from '../src/auth/sessions.ts';
import { appDatabaseUrl } from '../src/config/config.ts';
import { TenantTx } from '../src/db/tenant-tx.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
const us = (n: number) => Math.round(n * 1000);

const env = await bootTestKernel({ addons: [], workers: false });
const t = await env.tenant('bench-keys');
const created = await t.client.post('/api/v1/core/api-keys', { name: 'bench', permissions: ['core.*'] });
if (created.status !== 201) throw new Error(`key not created: ${JSON.stringify(created.body)}`);
const key = parseApiKey(created.body.key);
if (!key) throw new Error('key not parsed');
const claims = JSON.parse(Buffer.from((t.client.token ?? '').split('.')[1] ?? '', 'base64url').toString('utf8'));

const pool = new pg.Pool({ connectionString: appDatabaseUrl(env.kernel.config), max: 1 });
let touches = 0;
const viaToken = async () => {
  const tx = new TenantTx(pool, claims.tid);
  if (!(await openWithPrincipal(tx, claims.sub, claims.fid, true))) throw new Error('token should be live');
  await tx.rollback();
};
const viaKey = async () => {
  const tx = new TenantTx(pool, key.tenantId);
  // The last-used write is counted, not sent: the bench times the round trip alone.
  if (!(await openWithApiKey(tx, key, true, () => (touches += 1)))) throw new Error('key should be live');
  await tx.rollback();
};

const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < 200; i++) {
  await viaToken();
  await viaKey();
}
for (let i = 0; i < N; i++) {
  let t0 = performance.now();
  await viaToken();
  a.push(performance.now() - t0);
  t0 = performance.now();
  await viaKey();
  b.push(performance.now() - t0);
}
await pool.end();
await env.close();

console.log(
  JSON.stringify(
    {
      iterations: N,
      firstRoundTrip: {
        accessTokenUs: { p50: us(median(a)), p99: us(p99(a)) },
        apiKeyUs: { p50: us(median(b)), p99: us(p99(b)) },
        differenceP50Us: us(median(b) - median(a)),
      },
      lastUsedWrites: { requests: N + 200, writes: touches, sentByProcess: apiKeyTouches.sent },
    },
    null,
    2,
  ),
);
