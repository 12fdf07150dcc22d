import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Imports the database refuses part of, through real triggers: a row (the chunk is replayed row
// by row, each in a nested ctx.em.transactional, a savepoint) and a whole chunk (its savepoint
// rolls back while the chunk before stays committed and the failure is still saved).
// A file of its own: the triggers are on the tables, for this database only.

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
  acme = await env.tenant('acme-import-failure', { enable: ['crm'] });
  await env.sql(`create function crm_test_refuse_row() returns trigger language plpgsql as $$
    begin if new.last_name = 'Refused' then raise exception 'refused row'; end if; return new; end $$`);
  await env.sql(
    'create trigger crm_test_refuse_row before insert on crm_contact for each row execute function crm_test_refuse_row()',
  );
  // The progress of the second chunk of this one file cannot be saved.
  await env.sql(`create function crm_test_refuse_chunk() returns trigger language plpgsql as $$
    begin if new.filename = 'chunk.csv' and new.status = 'running' and new.processed_rows > 500
      then raise exception 'refused chunk'; end if; return new; end $$`);
  await env.sql(
    'create trigger crm_test_refuse_chunk before update on crm_import for each row execute function crm_test_refuse_chunk()',
  );
}, 60_000);

afterAll(async () => {
  await env?.close();
});

type Status = {
  status: string;
  processedRows: number;
  importedRows: number;
  errors: { row: number; reason: string }[];
};

async function runImport(filename: string, prefix: string, refusedRow: number | null): Promise<Status> {
  const rows = Array.from(
    { length: 800 },
    (_, i) => `${prefix}${i + 1},${i + 1 === refusedRow ? 'Refused' : `Last${i + 1}`}`,
  );
  const csv = `First name,Last name\r\n${rows.join('\r\n')}\r\n`;
  const up = await acme.client.request('POST', `/api/v1/crm/imports?filename=${filename}`, csv, {
    'content-type': 'text/csv',
  });
  expect(up.status).toBe(201);
  const id = up.body.id as string;
  const start = await acme.client.post(`/api/v1/crm/imports/${id}/start`, {
    mapping: { 'First name': 'firstName', 'Last name': 'lastName' },
  });
  expect(start.status).toBe(202);
  for (;;) {
    const status = (await acme.client.get(`/api/v1/crm/imports/${id}`)).body as Status;
    if (status.status === 'failed' || status.status === 'completed') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stored = async (prefix: string) =>
  (
    await env.sql<{ n: number }>(
      'select count(*)::int as n from crm_contact where tenant_id = $1 and first_name like $2',
      [acme.id, `${prefix}%`],
    )
  )[0]?.n;

describe('CSV import the database refuses part of', { timeout: 60_000 }, () => {
  it('reports a refused row and still writes every other row of its chunk', async () => {
    const status = await runImport('row.csv', 'RowCase', 700);
    expect(status).toMatchObject({ status: 'completed', processedRows: 800, importedRows: 799 });
    expect(status.errors).toEqual([expect.objectContaining({ row: 700, reason: 'could not be saved: refused row' })]);
    expect(await stored('RowCase')).toBe(799);
  });

  it('keeps the committed chunk, rolls the failing one back to its savepoint and saves the failure', async () => {
    const status = await runImport('chunk.csv', 'ChunkCase', null);
    expect(status).toMatchObject({ status: 'failed', processedRows: 500, importedRows: 500 });
    expect(status.errors.map((e) => e.reason)).toEqual(['the import stopped on an internal error']);
    expect(await stored('ChunkCase')).toBe(500);
  });
});
