import { defineJob } from '@elevate/sdk';
import type { ImportActor } from '../services/import-rows.service.ts';
import { type ImportResult, runImport } from '../services/import-run.service.ts';

export interface ImportContactsData extends ImportActor {
  importId: string;
}

const ATTEMPTS = 3;

/**
 * Imports the rows of an uploaded CSV (crm.import) as contacts. Commits chunk by chunk; a
 * retry resumes after the last committed chunk.
 */
export const importContactsJob = defineJob<ImportContactsData, ImportResult>({
  name: 'crm.import_contacts',
  attempts: ATTEMPTS,
  run: (data, ctx) => runImport(ctx, data.importId, data, ctx.attempt >= ATTEMPTS),
});

/** The same run for an import of leads (crm.import.target = 'lead'): rows become leads. */
export const importLeadsJob = defineJob<ImportContactsData, ImportResult>({
  name: 'crm.import_leads',
  attempts: ATTEMPTS,
  run: (data, ctx) => runImport(ctx, data.importId, data, ctx.attempt >= ATTEMPTS),
});
