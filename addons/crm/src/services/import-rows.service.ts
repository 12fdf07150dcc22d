import { type CustomFieldDef, type ErrorDetail, parseCustomFieldText, ValidationError } from '@elevate/sdk';
import type { ImportRowError } from '../shared/import.types.ts';
import { CONTACT_FIELDS, type ContactInput, cleanContactInput, personName } from './contacts.service.ts';

/** Contact fields a CSV column can be mapped to. `company` is a company NAME; `tags` are names. */
export const IMPORT_FIELDS = [...CONTACT_FIELDS, 'kind', 'tags'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** A data record and its number (see ImportRowError.row). */
export interface NumberedRow {
  row: number;
  fields: string[];
}

/** Who runs an import: the owner of what it creates, and the companies it may link to. */
export interface ImportActor {
  /** The user who started the import: owner of the contacts, companies and tags it creates. */
  userId: string;
  /** Owners of the companies that user sees (null: all), so rows link only to visible companies. */
  companyOwners: readonly string[] | null;
}

/** A column mapped to a custom field of contacts: `custom.<key>`. */
export type CustomColumn = `custom.${string}`;
export const CUSTOM_COLUMN = /^custom\.([a-z][a-z0-9_]{0,39})$/;

/** `cols[i]` is the field CSV column `i` feeds, or null when the column is not imported. */
export type ColumnFields = readonly (ImportField | CustomColumn | null)[];

export interface ValidRow {
  row: number;
  contact: ContactInput & { kind: 'person' | 'company'; name: string };
  company: string | null;
  tags: string[];
  /** Custom-field values parsed from their text (validated against the definitions when written). */
  custom: Record<string, unknown>;
}

export const TEXT_KEYS = IMPORT_FIELDS.filter(
  (f): f is Exclude<ImportField, 'company' | 'tags' | 'kind'> => f !== 'company' && f !== 'tags' && f !== 'kind',
);

/** Checks one record with the same rules as the contact API; every problem is reported. */
export function validateRow(
  r: NumberedRow,
  cols: ColumnFields,
  customDefs: ReadonlyMap<string, CustomFieldDef> = new Map(),
): ValidRow | ImportRowError[] {
  if (r.fields.length > cols.length) {
    return [
      { row: r.row, field: '', reason: `has ${r.fields.length} values; the header names ${cols.length} columns` },
    ];
  }
  const raw: Partial<Record<ImportField, string>> = {};
  const custom: Record<string, unknown> = {};
  cols.forEach((field, i) => {
    const v = r.fields[i]?.trim();
    const key = field ? CUSTOM_COLUMN.exec(field)?.[1] : undefined;
    const def = key ? customDefs.get(key) : undefined;
    if (key && def && v) custom[key] = parseCustomFieldText(def, v);
    else if (field && !key && v) raw[field as ImportField] = v;
  });
  const errors: ImportRowError[] = [];
  const fail = (field: string, reason: string) => errors.push({ row: r.row, field, reason });
  // Field by field with the contact API's own checks, so one bad field leaves the others' values.
  const input: ContactInput = {};
  for (const key of TEXT_KEYS) {
    if (raw[key] === undefined) continue;
    try {
      Object.assign(input, cleanContactInput({ [key]: raw[key] }));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const d of (err.details ?? []) as ErrorDetail[]) fail(d.path ?? key, d.message);
    }
  }
  const kindText = raw.kind?.toLowerCase() ?? 'person';
  const kind = kindText === 'person' || kindText === 'company' ? kindText : null;
  if (!kind) fail('kind', 'must be person or company');
  const name = input.name ?? (kind === 'person' ? personName(input.firstName, input.lastName) : null);
  const nameFailed = errors.some((e) => e.field === 'name' || e.field === 'firstName' || e.field === 'lastName');
  if (!name && !nameFailed) {
    fail('name', kind === 'company' ? 'is required' : 'is required (or give firstName or lastName)');
  } else if (name && name.length > 200) fail('name', 'must be at most 200 characters');
  const company = raw.company ?? null;
  if (company && kind === 'company') fail('company', 'a company cannot belong to a company');
  if (company && company.length > 200) fail('company', 'must be at most 200 characters');
  // Names split on ; or , and deduplicated case-insensitively (the first spelling wins).
  const tags: string[] = [];
  for (const t of (raw.tags ?? '').split(/[;,]/)) {
    const name = t.trim();
    if (name && !tags.some((x) => x.toLowerCase() === name.toLowerCase())) tags.push(name);
  }
  if (tags.some((t) => t.length > 60)) fail('tags', 'a tag name must be at most 60 characters');
  if (tags.length > 20) fail('tags', 'at most 20 tags');
  if (errors.length || !kind || !name) return errors;
  return { row: r.row, contact: { ...input, kind, name, source: input.source ?? 'import' }, company, tags, custom };
}

/** `cols[i]` for each CSV column, from the stored mapping (header → field). */
export function columnFields<F extends string = ImportField>(
  headers: readonly string[],
  mapping: Record<string, string>,
  fields: readonly F[] = IMPORT_FIELDS as unknown as readonly F[],
): readonly (F | CustomColumn | null)[] {
  return headers.map((h) => {
    const f = mapping[h];
    if (f && CUSTOM_COLUMN.test(f)) return f as CustomColumn;
    return f && (fields as readonly string[]).includes(f) ? (f as F) : null;
  });
}
