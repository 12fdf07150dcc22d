// crm benchmark: a scoring rule change rescoring 5,000 leads inside the request (the inline
// limit), every lead's score changing. Prints the time of the POST that adds the rule, best of
// RUNS (each in a fresh tenant).   pnpm exec tsx addons/crm/bench/rescore.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import { crm } from '../src/index.ts';

const LEADS = 5000;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const env = await bootTestKernel({ addons: [crm], workers: false });
const times: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const t = await env.tenant(`rescore-bench-${run}`, { enable: ['crm'] });
    await env.sql(
      `insert into crm_lead (tenant_id, title, source) select $1, 'Lead ' || i, 'referral' from generate_series(1, ${LEADS}) i`,
      [t.id],
    );
    const start = performance.now();
    const res = await t.client.post('/api/v1/crm/scoring-rules', {
      field: 'source',
      operator: 'equals',
      value: 'referral',
      points: 3,
    });
    times.push(performance.now() - start);
    const rescore = res.body?.rescore as { mode: string; changed: number } | undefined;
    if (res.status !== 201 || rescore?.mode !== 'inline' || rescore.changed !== LEADS) {
      throw new Error(`unexpected answer ${res.status} ${JSON.stringify(res.body)}`);
    }
  }
} finally {
  await env.close();
}
console.log(
  `rescore of ${LEADS} leads in the request: best ${Math.min(...times).toFixed(0)} ms, runs ${times.map((x) => x.toFixed(0)).join(', ')} ms`,
);
