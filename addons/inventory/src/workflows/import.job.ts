import { defineJob } from '@elevate/sdk';
import { runImport } from '../services/import.service.ts';

/** Runs a CSV import of products and initial stock (resumes after the last committed chunk). */
export const importJob = defineJob<{ importId: string }, { state: string }>({
  name: 'inventory.import',
  attempts: 3,
  run: (data, ctx) => runImport(ctx, data.importId),
});
