// The contacts file the crm import benches upload: ROWS contacts over 50 companies, two tags on
// every tenth row; and how its columns map.
import type { ApiClient } from '@elevate/testkit';

export const ROWS = 10_000;

const lines = ['First name,Last name,E-mail,Company,City,Tags'];
for (let i = 1; i <= ROWS; i++) {
  lines.push(
    `First${i},Last${i},person${i}@example.com,Company ${i % 50},City ${i % 3},${i % 10 === 0 ? 'vip; newsletter' : ''}`,
  );
}
export const csv = `${lines.join('\r\n')}\r\n`;
export const mapping = {
  'First name': 'firstName',
  'Last name': 'lastName',
  'E-mail': 'email',
  Company: 'company',
  City: 'city',
  Tags: 'tags',
};

/** Uploads the file, starts the import and polls until it completes; the ms from start to completed. */
export async function timedImport(client: ApiClient): Promise<number> {
  const up = await client.request('POST', '/api/v1/crm/imports?filename=bench.csv', csv, {
    'content-type': 'text/csv',
  });
  if (up.status !== 201) throw new Error(`upload answered ${up.status}`);
  const id = up.body.id as string;
  const start = performance.now();
  const started = await client.post(`/api/v1/crm/imports/${id}/start`, { mapping });
  if (started.status !== 202) throw new Error(`start answered ${started.status}`);
  for (;;) {
    const s = (await client.get(`/api/v1/crm/imports/${id}`)).body as { status: string; importedRows: number };
    if (s.status === 'completed') {
      if (s.importedRows !== ROWS) throw new Error(`imported ${s.importedRows} of ${ROWS}`);
      return performance.now() - start;
    }
    if (s.status === 'failed') throw new Error('import failed');
    await new Promise((r) => setTimeout(r, 20));
  }
}
