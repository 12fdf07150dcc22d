import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';

export const IMPORT_STATES = ['queued', 'running', 'completed', 'failed'] as const;

export interface ImportRowError {
  /** 1-based data row (the header is row 0). */
  row: number;
  field: string;
  reason: string;
}

/**
 * A CSV import of products and their initial stock (a counted quantity per product at `location`,
 * applied as an adjustment). Run by a job in chunks; counts and row errors are saved per chunk.
 */
export const ProductImport = defineModel({
  name: 'inventory.import',
  access: 'inventory.import',
  fields: {
    state: f.enum(IMPORT_STATES, { required: true, default: 'queued' }),
    location: f.ref(() => Location, { required: true }),
    filename: f.string({ max: 200 }),
    /** The upload; dropped once the import has completed. */
    csv: f.text(),
    totalRows: f.integer({ required: true, default: 0 }),
    processedRows: f.integer({ required: true, default: 0 }),
    createdProducts: f.integer({ required: true, default: 0 }),
    countedRows: f.integer({ required: true, default: 0 }),
    failedRows: f.integer({ required: true, default: 0 }),
    errors: f.json<ImportRowError[]>(),
    jobId: f.string({ max: 64 }),
  },
});

export type ProductImportRow = Row<typeof ProductImport>;
