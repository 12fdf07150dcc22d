// What the per-request checks of docs/security.md cost: the session-family probe added to the
// request's first round trip, and the per-tenant API budget counted in Redis (which runs while the
// database answers). Alternates the variants on the same connection; prints JSON.
//   pnpm exec tsx core/bench/session-check.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import { Redis } from 'ioredis';
import pg from 'pg';
import { openWithPrincipal } from '../src/auth/sessions.ts';
import { appDatabaseUrl } from '../src/config/config.ts';
import { TenantTx } from '../src/db/tenant-tx.ts';
import { throttle } from '../src/http/throttle.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const REFRESHES = Number(process.env.BENCH_REFRESHES ?? 300);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)] ?? 0;
const us = (n: number) => Math.round(n * 1000);

const env = await bootTestKernel({ addons: [], workers: false, env: { THROTTLE_REFRESH_IP: '100000/60' } });
const t = await env.tenant('bench-session');
// A family that has been refreshed many times (a long-lived browser session: ~96 refreshes a day).
let refreshToken = t.refreshToken;
let accessToken = t.client.token ?? '';
for (let i = 0; i < REFRESHES; i++) {
  const res = await env.anonymous().post('/api/v1/auth/refresh', { refreshToken });
  refreshToken = res.body.refreshToken;
  accessToken = res.body.accessToken;
}
const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));

const config = env.kernel.config;
const pool = new pg.Pool({ connectionString: appDatabaseUrl(config), max: 1 });
const without = async () => {
  // The first round trip as it was before the family check (same BEGIN + tenant setting + principal).
  const tx = new TenantTx(pool, claims.tid);
  await tx.open({
    readOnly: true,
    extra: `select u.id, u.email, u.name, u.active,
       (select array_agg(distinct p) from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id,
          unnest(r.permissions) p where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns
     from core_user u where u.tenant_id = '${claims.tid}' and u.id = '${claims.sub}'`,
  });
  await tx.rollback();
};
const withCheck = async () => {
  const tx = new TenantTx(pool, claims.tid);
  const p = await openWithPrincipal(tx, claims.sub, claims.fid, true);
  if (!p) throw new Error('the session should be live');
  await tx.rollback();
};

const a: number[] = [];
const b: number[] = [];
for (let i = 0; i < 200; i++) {
  await without();
  await withCheck();
}
for (let i = 0; i < N; i++) {
  let t0 = performance.now();
  await without();
  a.push(performance.now() - t0);
  t0 = performance.now();
  await withCheck();
  b.push(performance.now() - t0);
}

const plan = await env.sql<{ 'QUERY PLAN': string }>(
  `explain (analyze, costs off, timing off, summary off) select exists (select 1 from core_refresh_token t
     where t.tenant_id = $1 and t.family_id = $2 and t.user_id = $3 and t.revoked_at is null and t.expires_at > now())`,
  [claims.tid, claims.fid, claims.sub],
);

// The API budget: one Redis call per authenticated request.
const redis = new Redis(config.redisUrl);
await new Promise((r) => redis.once('ready', r));
const budget = throttle({ redis, prefix: `${env.redisPrefix}:bench`, log: env.kernel.log }, 'api', {
  points: 10_000_000,
  durationSec: 60,
});
const c: number[] = [];
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  await budget.consume(claims.tid);
  c.push(performance.now() - t0);
}
// Counted in Redis, not in the memory fallback.
const counted = Number(await redis.get(`${env.redisPrefix}:bench:api:${claims.tid}`));
if (counted !== N) throw new Error(`expected ${N} points in Redis, found ${counted}`);
redis.disconnect();
await pool.end();
await env.close();

console.log(
  JSON.stringify(
    {
      iterations: N,
      familyRows: REFRESHES + 1,
      firstRoundTrip: {
        withoutFamilyCheckUs: { p50: us(median(a)), p99: us(p99(a)) },
        withFamilyCheckUs: { p50: us(median(b)), p99: us(p99(b)) },
        addedP50Us: us(median(b) - median(a)),
      },
      familyProbePlan: plan.map((r) => r['QUERY PLAN']),
      apiBudgetRedisConsumeUs: { p50: us(median(c)), p99: us(p99(c)) },
    },
    null,
    2,
  ),
);
