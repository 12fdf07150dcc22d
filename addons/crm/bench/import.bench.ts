// crm benchmark: a CSV import of 10,000 contacts (50 companies, two tags on every tenth row),
// uploaded, started and polled over REST until completed, as a user would. Prints the time from
// start to completed, best of RUNS imports (each into a fresh tenant).
//   node --import tsx/esm addons/crm/bench/import.bench.ts
import { bootTestKernel } from '@elevate/testkit';
import { crm } from '../src/index.ts';

const ROWS = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const lines = ['First name,Last name,E-mail,Company,City,Tags'];
for (let i = 1; i <= ROWS; i++) {
  lines.push(
    `First${i},Last${i},person${i}@example.com,Company ${i % 50},City ${i % 3},${i % 10 === 0 ? 'vip; newsletter' : ''}`,
  );
}
const csv = `${lines.join('\r\n')}\r\n`;
const mapping = {
  'First name': 'firstName',
  'Last name': 'lastName',
  'E-mail': 'email',
  Company: 'company',
  City: 'city',
  Tags: 'tags',
};

const env = await bootTestKernel({ addons: [crm] });
const times: number[] = [];
try {
  for (let run = 0; run < RUNS; run++) {
    const t = await env.tenant(`import-bench-${run}`, { enable: ['crm'] });
    const up = await t.client.request('POST', '/api/v1/crm/imports?filename=bench.csv', csv, {
      'content-type': 'text/csv',
    });
    if (up.status !== 201) throw new Error(`upload answered ${up.status}`);
    const id = up.body.id as string;
    const start = performance.now();
    const started = await t.client.post(`/api/v1/crm/imports/${id}/start`, { mapping });
    if (started.status !== 202) throw new Error(`start answered ${started.status}`);
    for (;;) {
      const s = (await t.client.get(`/api/v1/crm/imports/${id}`)).body as { status: string; importedRows: number };
      if (s.status === 'completed') {
        if (s.importedRows !== ROWS) throw new Error(`imported ${s.importedRows} of ${ROWS}`);
        break;
      }
      if (s.status === 'failed') throw new Error('import failed');
      await new Promise((r) => setTimeout(r, 20));
    }
    times.push(performance.now() - start);
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
