import { defineModel, f } from '@elevate/sdk';

export const SEGMENT_TARGETS = ['contact', 'lead', 'opportunity'] as const;

/** A saved filter, private to its owner or shared with the tenant; evaluated on the server. */
export const Segment = defineModel({
  name: 'crm.segment',
  owned: true,
  fields: {
    name: f.string({ required: true, max: 120 }),
    target: f.enum(SEGMENT_TARGETS, { required: true }),
    filter: f.json<Record<string, unknown>, true>({ required: true }),
    shared: f.boolean({ required: true, default: false }),
  },
});

export const SCORING_OPERATORS = ['equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'is_set'] as const;

/** Lead scoring: when a lead's field matches, add `points`. */
export const ScoringRule = defineModel({
  name: 'crm.scoring_rule',
  fields: {
    field: f.string({ required: true, max: 60 }),
    operator: f.enum(SCORING_OPERATORS, { required: true }),
    value: f.string({ max: 200 }),
    points: f.integer({ required: true }),
    active: f.boolean({ required: true, default: true }),
  },
});

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
/** What an import creates: contacts (and their companies and tags) or leads. */
export const IMPORT_TARGETS = ['contact', 'lead'] as const;

/** A CSV import: the upload, its column mapping, progress and per-row errors. */
export const ImportRun = defineModel({
  name: 'crm.import',
  owned: true,
  fields: {
    status: f.enum(IMPORT_STATUSES, { required: true, default: 'pending' }),
    target: f.enum(IMPORT_TARGETS, { required: true, default: 'contact' }),
    filename: f.string({ max: 200 }),
    mapping: f.json<Record<string, string>, true>({ required: true }),
    csv: f.text({ required: true }),
    totalRows: f.integer({ required: true, default: 0 }),
    processedRows: f.integer({ required: true, default: 0 }),
    importedRows: f.integer({ required: true, default: 0 }),
    errors: f.json<{ row: number; field: string; reason: string }[], true>({ required: true }),
    jobId: f.string({ max: 64 }),
  },
});
