import {
  type CustomFieldDef,
  type ErrorDetail,
  entitySchemaOf,
  NotFoundError,
  type RequestContext,
  type Row,
  rowOf,
  ValidationError,
} from '@elevate/sdk';
import { raw } from '@mikro-orm/core';
import { crmErrors } from '../errors.ts';
import { importContactsJob, importLeadsJob } from '../jobs/import-contacts.job.ts';
import { ImportRun } from '../models/segment.model.ts';
import type { ImportState, ImportStatus, ImportTarget } from '../shared/import.types.ts';
import { CsvError, csvRecords, detectDelimiter, firstRecord } from './csv.ts';
import { CUSTOM_COLUMN, IMPORT_FIELDS, type ImportField } from './import-rows.service.ts';
import { MAX_KEPT_ERRORS } from './import-run.service.ts';
import { LEAD_IMPORT_FIELDS, LEAD_SYNONYMS } from './lead-import.service.ts';
import { LEAD_WRITE } from './leads.service.ts';
import { isUuid } from './tags.service.ts';

/** The most data rows one import may hold (413 CRM_IMPORT_TOO_LARGE beyond). */
export const MAX_IMPORT_ROWS = 50_000;
const PERMISSION = 'crm.contact.import';

/** What each import target maps columns to, how headers name them, and which model gets custom fields. */
const TARGETS = {
  contact: {
    fields: IMPORT_FIELDS as readonly string[],
    synonyms: undefined,
    model: 'crm.contact',
    need: ['name', 'firstName', 'lastName'],
  },
  lead: {
    fields: LEAD_IMPORT_FIELDS as readonly string[],
    synonyms: LEAD_SYNONYMS as Record<string, string[]>,
    model: 'crm.lead',
    need: ['title'],
  },
} as const;

/** Importing leads creates leads: the importer needs crm.lead.write besides crm.contact.import. */
function requireTarget(ctx: RequestContext, target: ImportTarget): void {
  if (target === 'lead') ctx.require(LEAD_WRITE);
}

/** How CSV headers usually name each field, compared after lower-casing and dropping non-letters. */
const SYNONYMS: Record<ImportField, string[]> = {
  name: ['name', 'fullname', 'contactname', 'displayname', 'contact'],
  firstName: ['firstname', 'givenname', 'first', 'forename', 'prenom'],
  lastName: ['lastname', 'surname', 'familyname', 'last', 'nom'],
  email: ['email', 'emailaddress', 'mail', 'emailaddr'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile', 'cell', 'mobilephone'],
  jobTitle: ['jobtitle', 'title', 'position', 'role', 'job'],
  company: ['company', 'companyname', 'organization', 'organisation', 'account', 'employer', 'org'],
  website: ['website', 'url', 'web', 'homepage', 'site', 'www'],
  street: ['street', 'address', 'streetaddress', 'address1', 'addressline1'],
  city: ['city', 'town', 'locality'],
  postalCode: ['postalcode', 'zip', 'zipcode', 'postcode', 'postal'],
  country: ['country', 'countrycode', 'countryiso'],
  source: ['source', 'leadsource', 'origin'],
  kind: ['kind', 'type', 'contacttype'],
  tags: ['tags', 'tag', 'labels', 'label'],
};

const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/** Edit distance where swapping two neighbouring letters counts as one edit ("Emial"). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => (d[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return at(a.length, b.length);
}

/**
 * CSV header → contact field by name similarity: a known spelling first ("E-mail" → email,
 * "First name" → firstName, "Company" → company), then a near miss ("Emial"). Each field is
 * suggested for one column at most; other columns map to null (not imported).
 */
export function suggestMapping(headers: readonly string[]): Record<string, ImportField | null> {
  return suggestFor(headers, IMPORT_FIELDS, SYNONYMS) as Record<string, ImportField | null>;
}

function suggestFor(
  headers: readonly string[],
  fields: readonly string[],
  synonyms: Record<string, string[]>,
): Record<string, string | null> {
  const out: Record<string, string | null> = Object.fromEntries(headers.map((h) => [h, null]));
  const taken = new Set<string>();
  const pass = (match: (h: string, syn: string) => boolean) => {
    for (const h of headers) {
      if (out[h]) continue;
      const n = norm(h);
      const field = fields.find((f) => !taken.has(f) && (synonyms[f] ?? []).some((s) => match(n, s)));
      if (field) {
        out[h] = field;
        taken.add(field);
      }
    }
  };
  pass((h, s) => h === s);
  pass((h, s) => s.length >= 5 && h.length >= 5 && distance(h, s) <= (s.length >= 8 ? 2 : 1));
  return out;
}

/** Checks a mapping against the file's headers; returns it without the unmapped columns. */
export function validateMapping(
  headers: readonly string[],
  mapping: Record<string, unknown>,
  customKeys: ReadonlySet<string> = new Set(),
  target: ImportTarget = 'contact',
): Record<string, string> {
  const { fields, need } = TARGETS[target];
  const what = target === 'lead' ? 'leads' : 'contacts';
  const details: ErrorDetail[] = [];
  const clean: Record<string, string> = {};
  const used = new Map<string, string>();
  for (const [header, field] of Object.entries(mapping)) {
    if (!headers.includes(header)) {
      details.push({ path: `mapping.${header}`, message: 'is not a column of the file' });
      continue;
    }
    if (field === null || field === '') continue;
    const customKey = typeof field === 'string' ? CUSTOM_COLUMN.exec(field)?.[1] : undefined;
    if (customKey && !customKeys.has(customKey)) {
      details.push({ path: `mapping.${header}`, message: `no custom field "${customKey}" on ${what}` });
      continue;
    }
    if (typeof field !== 'string' || (!customKey && !fields.includes(field))) {
      details.push({ path: `mapping.${header}`, message: `unknown field; use one of ${fields.join(', ')}` });
      continue;
    }
    const other = used.get(field);
    if (other !== undefined) {
      details.push({ path: `mapping.${header}`, message: `field ${field} is already mapped from column "${other}"` });
      continue;
    }
    used.set(field, header);
    clean[header] = field;
  }
  if (!details.length && !need.some((f) => used.has(f))) {
    const message = target === 'lead' ? 'map a column to title' : 'map a column to name, or to firstName or lastName';
    details.push({ path: 'mapping', message });
  }
  if (details.length) throw new ValidationError('Invalid column mapping', details);
  return clean;
}

interface Scan {
  delimiter: string;
  headers: string[];
  sampleRows: string[][];
  totalRows: number;
}

/** Reads the header, the first rows and the row count; refuses broken or oversized files. */
function scan(csv: string): Scan {
  const delimiter = detectDelimiter(csv);
  let headers: string[] | null = null;
  const sampleRows: string[][] = [];
  let totalRows = 0;
  try {
    for (const rec of csvRecords(csv, delimiter)) {
      if (!headers) {
        headers = rec.fields.map((h: string) => h.trim());
        continue;
      }
      totalRows += 1;
      if (totalRows > MAX_IMPORT_ROWS) throw crmErrors.importTooLarge(MAX_IMPORT_ROWS);
      if (sampleRows.length < 5) sampleRows.push(rec.fields);
    }
  } catch (err) {
    if (err instanceof CsvError)
      throw new ValidationError('The file is not valid CSV', [{ path: 'body', message: err.message }]);
    throw err;
  }
  if (!headers) throw new ValidationError('The file is empty: its first line must name the columns');
  const seen = new Set<string>();
  const details: ErrorDetail[] = [];
  headers.forEach((h, i) => {
    if (!h) details.push({ path: `headers.${i}`, message: 'a column has no name' });
    else if (seen.has(h)) details.push({ path: `headers.${i}`, message: `column "${h}" appears twice` });
    seen.add(h);
  });
  if (details.length) throw new ValidationError('The header line must name each column once', details);
  return { delimiter, headers, sampleRows, totalRows };
}

/** Stores an upload (status pending) and proposes a column mapping. */
export async function createImport(
  ctx: RequestContext,
  csv: string,
  filename: string | null,
  target: ImportTarget = 'contact',
) {
  requireTarget(ctx, target);
  const s = scan(csv);
  const repo = await ctx.scoped(ImportRun, PERMISSION);
  const t = TARGETS[target];
  const defs = await ctx.customFields.fields(t.model);
  const suggested = t.synonyms ? suggestFor(s.headers, t.fields, t.synonyms) : suggestMapping(s.headers);
  const row = await repo.insert({
    status: 'pending',
    target,
    filename,
    mapping: {},
    csv,
    totalRows: s.totalRows,
    errors: [],
  });
  return {
    id: row.id,
    target,
    filename,
    delimiter: s.delimiter,
    headers: s.headers,
    totalRows: s.totalRows,
    sampleRows: s.sampleRows,
    suggestedMapping: withCustomSuggestions(suggested, defs),
    // What else a column can map to: `custom.<key>` for each of these.
    customFields: defs.map((d) => ({
      key: d.key,
      label: d.label,
      type: d.type,
    })),
  };
}

/** Columns left unmapped whose header is `custom.<key>` or a custom field's label map to that field. */
function withCustomSuggestions(
  mapping: Record<string, string | null>,
  defs: readonly CustomFieldDef[],
): Record<string, string | null> {
  const out = { ...mapping };
  const taken = new Set(Object.values(out));
  for (const h of Object.keys(out)) {
    if (out[h]) continue;
    const d = defs.find((x) => h === `custom.${x.key}` || norm(h) === norm(x.label));
    if (d && !taken.has(`custom.${d.key}`)) {
      out[h] = `custom.${d.key}`;
      taken.add(out[h]);
    }
  }
  return out;
}

type ImportRow = Omit<Row<typeof ImportRun>, 'csv' | 'status'> & { status: ImportState };

const ImportEntity = entitySchemaOf(ImportRun);
// Never the CSV itself: it may be 25 MB and clients poll. The model's record rule does not fit
// (imports are guarded by crm.contact.import): the owner condition is written out instead.
const NO_FILE = { exclude: ['csv'] as never[], filters: { records: false }, disableIdentityMap: true } as const;

async function importOwners(ctx: RequestContext): Promise<Record<string, unknown>> {
  const owners = await ctx.ownerIds(PERMISSION);
  return owners ? { ownerId: { $in: [...owners] } } : {};
}

async function loadImport(ctx: RequestContext, id: string): Promise<ImportRow> {
  if (!isUuid(id)) throw new NotFoundError('Import');
  const e = await ctx.em.findOne(ImportEntity, { id, ...(await importOwners(ctx)) }, NO_FILE);
  if (!e) throw new NotFoundError('Import');
  return rowOf(ImportRun, e) as ImportRow;
}

function view(r: ImportRow): ImportStatus {
  const columnOf = new Map(Object.entries(r.mapping).map(([header, field]) => [field, header]));
  const progress = r.status === 'completed' ? 100 : r.totalRows ? Math.floor((r.processedRows * 100) / r.totalRows) : 0;
  return {
    id: r.id,
    target: r.target,
    filename: r.filename,
    status: r.status,
    mapping: r.mapping,
    totalRows: r.totalRows,
    processedRows: r.processedRows,
    importedRows: r.importedRows,
    failedRows: r.processedRows - r.importedRows,
    progress,
    // The CSV column beside the field, for the user's spreadsheet.
    errors: r.errors.slice(0, MAX_KEPT_ERRORS).map((e) => ({ ...e, column: columnOf.get(e.field) ?? null })),
    jobId: r.jobId,
    ownerId: r.ownerId,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export type ImportView = ImportStatus;

export async function getImport(ctx: RequestContext, id: string): Promise<ImportView> {
  return view(await loadImport(ctx, id));
}

/** Validates the mapping, saves it and queues the job. 409 when the import was already started. */
export async function startImport(ctx: RequestContext, id: string, mapping: Record<string, unknown>) {
  // The first line only: the header, without scanning the whole upload again.
  const row = await loadImport(ctx, id);
  requireTarget(ctx, row.target);
  if (row.status !== 'pending' || row.jobId) throw crmErrors.importStarted();
  // Raw SQL, kept on purpose: the first 64 KB of an upload of up to 25 MB, cut by the database;
  // the ORM reads a column whole (a 25 MB string into the process to read one line).
  const [prefix] = await ctx.db.query<{ head: string }>(
    'select substr(csv, 1, 65536) as head from crm_import where tenant_id = $1 and id = $2',
    [ctx.tenant.id, id],
  );
  const head = prefix?.head ?? '';
  let headers: string[] = [];
  try {
    headers = firstRecord(csvRecords(head, detectDelimiter(head))).map((h) => h.trim());
  } catch {
    // A header longer than the prefix read: every column then counts as unknown.
  }
  const customKeys = new Set((await ctx.customFields.fields(TARGETS[row.target].model)).map((d) => d.key));
  const clean = validateMapping(headers, mapping, customKeys, row.target);
  // The job has no user context: it gets the starter and the companies they see.
  const jobId = await ctx.jobs.enqueue(row.target === 'lead' ? importLeadsJob : importContactsJob, {
    importId: id,
    userId: ctx.user.id,
    companyOwners: await ctx.ownerIds('crm.contact.read'),
  });
  // Two starts at once: one updates, the other answers 409 and its job is rolled back.
  const updated = await ctx.em.nativeUpdate(
    ImportEntity,
    { id, status: 'pending', jobId: null },
    { mapping: clean, jobId, updatedAt: raw('now()') },
    { filters: { records: false } },
  );
  if (updated === 0) throw crmErrors.importStarted();
  return { id, jobId, mapping: clean };
}

/** The caller's imports, newest first, without files and errors (those are on GET /imports/:id). */
export async function listImports(ctx: RequestContext, page: { limit: number; offset: number }) {
  const [found, total] = await ctx.em.findAndCount(ImportEntity, await importOwners(ctx), {
    ...NO_FILE,
    exclude: ['csv', 'errors'] as never[],
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    limit: page.limit,
    offset: page.offset,
  });
  return { rows: found.map((e) => view({ ...(rowOf(ImportRun, e) as ImportRow), errors: [] })), total };
}
