// crm benchmark: a CSV import of 10,000 contacts (50 companies, two tags on every tenth row),
// uploaded, started and polled over REST until completed, as a user would. Prints the time from
// start to completed, best of RUNS imports (each into a fresh tenant).
//   node --import tsx/esm addons/crm/bench/import.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import { crm } from '../src/index.ts';
import { ROWS, timedImport } from './contacts-csv.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const env = await bootTestKernel({ addons: [crm] });
const times: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const t = await env.tenant(`import-bench-${run}`, { enable: ['crm'] });
    times.push(await timedImport(t.client));
  }
} finally {
  await env.close();
}
const best = Math.min(...times);
console.log(
  `import of ${ROWS} rows: best ${best.toFixed(0)} ms (${((ROWS / best) * 1000).toFixed(0)} rows/s), runs ${times
    .map((x) => x.toFixed(0))
    .join(', ')} ms`,
);
