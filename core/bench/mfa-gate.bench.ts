// What the MFA gate (core/src/auth/mfa-gate.ts) adds to a request's first round trip: the opening
// as it was before the gate (user, family probe, permissions) against `openWithPrincipal` now, for
// a company that does not require MFA (one probe of its settings row) and one that does (two more
// probes: the user's TOTP row and passkeys). Alternates the variants on one connection; prints JSON.
//   pnpm exec tsx core/bench/mfa-gate.bench.ts
import { bootTestKernel, type TestTenant } from '@elevate/testkit';
import { generate } from 'otplib';
import pg from 'pg';
import { openWithPrincipal } from '../src/auth/sessions.ts';
import { appDatabaseUrl } from '../src/config/config.ts';
import { TenantTx } from '../src/db/tenant-tx.ts';

const N = Number(process.env.BENCH_N ?? 2000);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const us = (n: number) => Math.round(n * 1000);

const env = await bootTestKernel({ addons: [], workers: false });
const claimsOf = (t: TestTenant) =>
  JSON.parse(Buffer.from((t.client.token ?? '').split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    sub: string;
    tid: string;
    fid: string;
  };
const plain = await env.tenant('bench-gate-off');
const strict = await env.tenant('bench-gate-on');
const e = await strict.client.post('/api/v1/core/account/mfa/enrol');
await strict.client.post('/api/v1/core/account/mfa/confirm', { code: await generate({ secret: e.body.secret }) });
await strict.client.put('/api/v1/core/security-settings', { requireMfa: true });

const pool = new pg.Pool({ connectionString: appDatabaseUrl(env.kernel.config), max: 1 });
const before = async (c: { sub: string; tid: string; fid: string }) => {
  // The opening as it was before the gate: BEGIN + tenant + user, family probe, permissions.
  const tx = new TenantTx(pool, c.tid);
  await tx.open({
    readOnly: true,
    extra: `select u.id, u.email, u.name, u.active,
       exists (select 1 from core_refresh_token t where t.tenant_id = u.tenant_id and t.family_id = '${c.fid}'
          and t.user_id = u.id and t.revoked_at is null and t.expires_at > now()) as live,
       (select array_agg(distinct p) from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id,
          unnest(r.permissions) p where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns
     from core_user u where u.tenant_id = '${c.tid}' and u.id = '${c.sub}'`,
  });
  await tx.rollback();
};
const now = async (c: { sub: string; tid: string; fid: string }) => {
  const tx = new TenantTx(pool, c.tid);
  const p = await openWithPrincipal(tx, c.sub, c.fid, true);
  if (!p || p.mfaGate) throw new Error('the session should be live and not gated');
  await tx.rollback();
};

const out: Record<string, unknown> = { iterations: N };
for (const [name, t] of [
  ['notRequired', plain],
  ['required', strict],
] as const) {
  const c = claimsOf(t);
  for (let i = 0; i < 200; i++) {
    await before(c);
    await now(c);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < N; i++) {
    let t0 = performance.now();
    await before(c);
    a.push(performance.now() - t0);
    t0 = performance.now();
    await now(c);
    b.push(performance.now() - t0);
  }
  out[name] = { beforeP50Us: us(median(a)), withGateP50Us: us(median(b)), addedP50Us: us(median(b) - median(a)) };
}
await pool.end();
await env.close();
console.log(JSON.stringify(out, null, 2));
