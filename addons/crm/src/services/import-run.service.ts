import { entitySchemaOf, type JobContext } from '@elevate/sdk';
import { raw } from '@mikro-orm/core';
import { ImportRun } from '../models/segment.model.ts';
import type { ImportRowError } from '../shared/import.types.ts';
import { leadSourceMatcher } from './choice-lists.service.ts';
import { csvRecords, detectDelimiter, firstRecord } from './csv.ts';
import { columnFields, type ImportActor, type NumberedRow } from './import-rows.service.ts';
import { importChunk } from './import-write.service.ts';
import { importLeadChunk, LEAD_IMPORT_FIELDS } from './lead-import.service.ts';

/** Rows written per transaction: the client sees progress and errors after each chunk. */
export const IMPORT_CHUNK = 500;
/** Errors kept on the import (the rest are counted in failedRows). */
export const MAX_KEPT_ERRORS = 1000;

const ImportEntity = entitySchemaOf(ImportRun);

interface ImportState {
  status: string;
  target: 'contact' | 'lead';
  mapping: Record<string, string>;
  csv: string;
  totalRows: number;
  processedRows: number;
  importedRows: number;
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
  const state = (await ctx.em.findOne(
    ImportEntity,
    { id: importId },
    { disableIdentityMap: true },
  )) as ImportState | null;
  if (!state) return { importId, status: 'missing', processedRows: 0, importedRows: 0 };
  const result = (status: string): ImportResult => ({
    importId,
    status,
    processedRows: state.processedRows,
    importedRows: state.importedRows,
  });
  if (state.status === 'completed' || state.status === 'failed') return result(state.status);
  // A completed import drops its file: the contacts hold the data now, and the upload may be
  // large and personal. A failed one keeps it for a look at what went wrong.
  const save = (status: string, counts: Pick<ImportState, 'processedRows' | 'importedRows' | 'errors'> = state) =>
    ctx.em.nativeUpdate(
      ImportEntity,
      { id: importId },
      {
        status,
        processedRows: counts.processedRows,
        importedRows: counts.importedRows,
        errors: counts.errors,
        updatedAt: raw('now()'),
        ...(status === 'completed' ? { csv: '' } : {}),
      },
    );
  await save('running');
  await ctx.checkpoint();
  const records = csvRecords(state.csv, detectDelimiter(state.csv));
  const headers = firstRecord(records).map((h) => h.trim());
  const cols = columnFields(headers, state.mapping);
  const leadCols = columnFields(headers, state.mapping, LEAD_IMPORT_FIELDS);
  const sources = state.target === 'lead' ? await leadSourceMatcher(ctx) : null;
  const write = (rows: NumberedRow[]) =>
    state.target === 'lead'
      ? importLeadChunk(ctx, actor, rows, leadCols, sources)
      : importChunk(ctx, actor, rows, cols);
  let chunk: NumberedRow[] = [];
  const flush = async () => {
    try {
      // A nested transaction is a savepoint (MikroORM on the job's transaction): a failing chunk
      // rolls back to it, and the failure below is still saved and committed. The counts change
      // only once the chunk is in, so a failure records what was really imported.
      const next = await ctx.em.transactional(async () => {
        const done = await write(chunk);
        const counts = {
          processedRows: state.processedRows + chunk.length,
          importedRows: state.importedRows + done.imported,
          errors: [...state.errors, ...done.errors.slice(0, Math.max(0, MAX_KEPT_ERRORS - state.errors.length))],
        };
        await save('running', counts);
        return counts;
      });
      Object.assign(state, next);
    } catch (err) {
      if (lastAttempt) {
        state.errors.push({ row: chunk[0]?.row ?? 0, field: '', reason: 'the import stopped on an internal error' });
        await save('failed');
        await ctx.checkpoint();
      }
      throw err;
    }
    await ctx.checkpoint();
    await ctx.progress(state.totalRows ? (state.processedRows * 100) / state.totalRows : 100);
    chunk = [];
  };
  let n = 0;
  for (const rec of records) {
    n += 1;
    // Rows up to processed_rows were committed by an earlier attempt.
    if (n <= state.processedRows) continue;
    chunk.push({ row: n, fields: rec.fields });
    if (chunk.length >= IMPORT_CHUNK) await flush();
  }
  if (chunk.length) await flush();
  await save('completed');
  await ctx.progress(100);
  return result('completed');
}
