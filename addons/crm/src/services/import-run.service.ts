import type { JobContext } from '@elevate/sdk';
import type { ImportRowError } from '../shared/import.types.ts';
import { csvRecords, detectDelimiter, firstRecord } from './csv.ts';
import { columnFields, type ImportActor, type NumberedRow } from './import-rows.service.ts';
import { importChunk } from './import-write.service.ts';

/** Rows written per transaction: the client sees progress and errors after each chunk. */
export const IMPORT_CHUNK = 500;
/** Errors kept on the import (the rest are counted in failedRows). */
export const MAX_KEPT_ERRORS = 1000;

interface ImportState {
  status: string;
  mapping: Record<string, string>;
  csv: string;
  total_rows: number;
  processed_rows: number;
  imported_rows: number;
  errors: ImportRowError[];
}

export interface ImportResult {
  importId: string;
  status: string;
  processedRows: number;
  importedRows: number;
}

/**
 * Runs an import chunk by chunk. After each chunk the counts and errors are saved and
 * committed (`ctx.checkpoint()`), so pollers see them and a retried attempt resumes after the
 * last committed row instead of starting again.
 */
export async function runImport(
  ctx: JobContext,
  importId: string,
  actor: ImportActor,
  lastAttempt: boolean,
): Promise<ImportResult> {
  const tenant = ctx.tenant.id;
  const [state] = await ctx.db.query<ImportState>(
    'select status, mapping, csv, total_rows, processed_rows, imported_rows, errors from crm_import where tenant_id = $1 and id = $2',
    [tenant, importId],
  );
  if (!state) return { importId, status: 'missing', processedRows: 0, importedRows: 0 };
  const result = (status: string): ImportResult => ({
    importId,
    status,
    processedRows: state.processed_rows,
    importedRows: state.imported_rows,
  });
  if (state.status === 'completed' || state.status === 'failed') return result(state.status);
  // A completed import drops its file: the contacts hold the data now, and the upload may be
  // large and personal. A failed one keeps it for a look at what went wrong.
  const save = (status: string) =>
    ctx.db.query(
      `update crm_import set status = $3, processed_rows = $4, imported_rows = $5, errors = $6, updated_at = now()${
        status === 'completed' ? ", csv = ''" : ''
      } where tenant_id = $1 and id = $2`,
      [tenant, importId, status, state.processed_rows, state.imported_rows, JSON.stringify(state.errors)],
    );
  await save('running');
  await ctx.checkpoint();
  const records = csvRecords(state.csv, detectDelimiter(state.csv));
  const cols = columnFields(
    firstRecord(records).map((h) => h.trim()),
    state.mapping,
  );
  let chunk: NumberedRow[] = [];
  const flush = async () => {
    await ctx.db.query('savepoint crm_import_chunk');
    try {
      const done = await importChunk(ctx, actor, chunk, cols);
      state.processed_rows += chunk.length;
      state.imported_rows += done.imported;
      state.errors.push(...done.errors.slice(0, Math.max(0, MAX_KEPT_ERRORS - state.errors.length)));
      await save('running');
      await ctx.db.query('release savepoint crm_import_chunk');
    } catch (err) {
      await ctx.db.query('rollback to savepoint crm_import_chunk');
      if (lastAttempt) {
        state.errors.push({ row: chunk[0]?.row ?? 0, field: '', reason: 'the import stopped on an internal error' });
        await save('failed');
        await ctx.checkpoint();
      }
      throw err;
    }
    await ctx.checkpoint();
    await ctx.progress(state.total_rows ? (state.processed_rows * 100) / state.total_rows : 100);
    chunk = [];
  };
  let n = 0;
  for (const rec of records) {
    n += 1;
    // Rows up to processed_rows were committed by an earlier attempt.
    if (n <= state.processed_rows) continue;
    chunk.push({ row: n, fields: rec.fields });
    if (chunk.length >= IMPORT_CHUNK) await flush();
  }
  if (chunk.length) await flush();
  await save('completed');
  await ctx.progress(100);
  return result('completed');
}
