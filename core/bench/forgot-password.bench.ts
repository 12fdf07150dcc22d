// Whether "forgot password" tells, by its time, which addresses have an account: the answer is the
// same 202 for an account, an unknown address and an unknown company (core/test/account.test.ts),
// and this measures that the time is too. Alternates the three cases; prints the medians and p90s
// in ms as JSON. A difference well above the spread says the request does more work for one case.
//   pnpm exec tsx core/bench/forgot-password.bench.ts        (BENCH_N rounds, default 200)
import { bootTestKernel } from '@elevate/testkit';

const N = Number(process.env.BENCH_N ?? 200);
const at = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)] ?? 0;
const ms = (n: number) => Math.round(n * 100) / 100;

const env = await bootTestKernel({
  addons: [],
  env: { THROTTLE_ACCOUNT_IP: '1000000/900', THROTTLE_ACCOUNT_KEY: '1000000/900' },
});
const t = await env.tenant('bench-forgot');
const anon = env.anonymous();
const cases = [
  ['known', 'bench-forgot', t.ownerEmail],
  ['unknown', 'bench-forgot', 'nobody@bench-forgot.test'],
  ['noTenant', 'no-such-company', t.ownerEmail],
] as const;
const times: Record<string, number[]> = { known: [], unknown: [], noTenant: [] };
for (let i = 0; i < N + 20; i++) {
  for (const [kind, tenant, email] of cases) {
    const t0 = performance.now();
    const res = await anon.post('/api/v1/auth/password/forgot', { tenant, email });
    if (res.status !== 202) throw new Error(`${kind}: ${res.status}`);
    // The first 20 rounds warm up the caches and the JIT.
    if (i >= 20) times[kind]?.push(performance.now() - t0);
  }
}
console.log(
  JSON.stringify(
    Object.fromEntries(Object.entries(times).map(([k, xs]) => [k, { p50: ms(at(xs, 0.5)), p90: ms(at(xs, 0.9)) }])),
  ),
);
await env.close();
