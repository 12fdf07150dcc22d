import { randomUUID } from 'node:crypto';
import {
  type CustomFieldDef,
  CustomFieldError,
  type ErrorDetail,
  entitySchemaOf,
  type JobContext,
  parseCustomFieldText,
  ValidationError,
} from '@elevate/sdk';
import { LeadCreated } from '../events.ts';
import type { LeadRow } from '../graphql/types.graphql.ts';
import { Lead } from '../models/lead.model.ts';
import type { ImportRowError } from '../shared/import.types.ts';
import { CUSTOM_COLUMN, type ImportActor, type NumberedRow } from './import-rows.service.ts';
import { cleanLeadInput, LEAD_EDITABLE_STATUSES, type LeadStatus } from './leads.service.ts';
import { activeRules, type ScoredLead, scoreOf } from './scoring.service.ts';

/** Lead fields a CSV column can be mapped to (the lead API's own fields). */
export const LEAD_IMPORT_FIELDS = [
  'title',
  'contactName',
  'companyName',
  'email',
  'phone',
  'source',
  'status',
  'value',
  'currency',
  'description',
] as const;
export type LeadImportField = (typeof LEAD_IMPORT_FIELDS)[number];

/** How CSV headers usually name each lead field (compared lower-cased, letters and digits only). */
export const LEAD_SYNONYMS: Record<LeadImportField, string[]> = {
  title: ['title', 'lead', 'leadtitle', 'subject', 'name', 'topic'],
  contactName: ['contactname', 'contact', 'fullname', 'person', 'contactperson'],
  companyName: ['companyname', 'company', 'organization', 'organisation', 'account', 'org'],
  email: ['email', 'emailaddress', 'mail'],
  phone: ['phone', 'phonenumber', 'telephone', 'tel', 'mobile'],
  source: ['source', 'leadsource', 'origin', 'channel'],
  status: ['status', 'leadstatus', 'stage'],
  value: ['value', 'amount', 'dealvalue', 'estimatedvalue'],
  currency: ['currency', 'currencycode'],
  description: ['description', 'notes', 'note', 'details', 'comment', 'comments'],
};

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

type LeadColumns = readonly (LeadImportField | `custom.${string}` | null)[];

export interface ValidLeadRow {
  row: number;
  lead: Partial<LeadRow> & { title: string };
  custom: Record<string, unknown>;
}

/**
 * Checks one record with the lead API's rules (and the company's lead sources when `sources` is
 * given); every problem is reported with its field.
 */
export function validateLeadRow(
  r: NumberedRow,
  cols: LeadColumns,
  customDefs: ReadonlyMap<string, CustomFieldDef>,
  sources: ((value: string) => string | null) | null = null,
): ValidLeadRow | ImportRowError[] {
  if (r.fields.length > cols.length) {
    return [
      { row: r.row, field: '', reason: `has ${r.fields.length} values; the header names ${cols.length} columns` },
    ];
  }
  const raw: Partial<Record<LeadImportField, string>> = {};
  const custom: Record<string, unknown> = {};
  cols.forEach((field, i) => {
    const v = r.fields[i]?.trim();
    const key = field ? CUSTOM_COLUMN.exec(field)?.[1] : undefined;
    const def = key ? customDefs.get(key) : undefined;
    if (key && def && v) custom[key] = parseCustomFieldText(def, v);
    else if (field && !key && v) raw[field as LeadImportField] = v;
  });
  const errors: ImportRowError[] = [];
  const fail = (field: string, reason: string) => errors.push({ row: r.row, field, reason });
  if (!raw.title) fail('title', 'is required');
  if (raw.email && !EMAIL.test(raw.email)) fail('email', 'must be an email address');
  const status = raw.status?.toLowerCase();
  if (status && !(LEAD_EDITABLE_STATUSES as readonly string[]).includes(status)) {
    fail('status', `must be one of ${LEAD_EDITABLE_STATUSES.join(', ')}`);
  }
  const currency = raw.currency?.toUpperCase();
  if (raw.value && !DECIMAL.test(raw.value)) fail('value', 'must be a decimal number like 1250.00');
  let source = raw.source;
  if (source && sources) {
    const known = sources(source);
    if (known === null) fail('source', `"${source}" is not one of the company's lead sources`);
    else source = known;
  }
  const input = {
    title: raw.title,
    contactName: raw.contactName,
    companyName: raw.companyName,
    email: raw.email,
    phone: raw.phone,
    source,
    description: raw.description,
  };
  // Field by field, so one bad field leaves the others' messages.
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    try {
      cleanLeadInput({ [key]: value });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const d of (err.details ?? []) as ErrorDetail[]) fail(d.path ?? key, d.message);
    }
  }
  if (!errors.some((e) => e.field === 'value')) {
    try {
      cleanLeadInput({ value: raw.value ?? null, currency: currency ?? (raw.value ? 'USD' : null) });
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      for (const d of (err.details ?? []) as ErrorDetail[]) fail(d.path ?? 'value', d.message);
    }
  }
  if (errors.length || !raw.title) return errors;
  const lead = cleanLeadInput({
    ...input,
    status: (status as LeadStatus | undefined) ?? 'new',
    value: raw.value ?? null,
    currency: currency ?? (raw.value ? 'USD' : null),
  }) as Partial<LeadRow> & { title: string };
  return { row: r.row, lead, custom };
}

const LeadEntity = entitySchemaOf(Lead);
const LEAD_COLUMNS = ['title', 'contactName', 'companyName', 'email', 'phone', 'source', 'status', 'value'] as const;

function scoredRow(id: string, ownerId: string, v: ValidLeadRow): ScoredLead {
  const l = v.lead;
  const s = (x: unknown) => (x == null ? null : String(x));
  return {
    id,
    score: 0,
    title: l.title,
    contactName: s(l.contactName),
    companyName: s(l.companyName),
    email: s(l.email),
    phone: s(l.phone),
    source: s(l.source),
    status: s(l.status),
    value: s(l.value),
    currency: s(l.currency),
    description: s(l.description),
    contactId: null,
    ownerId,
  };
}

/**
 * Validates and writes one chunk of rows as leads owned by the user who started the import,
 * scored by the tenant's active rules. The valid rows go in one multi-row insert inside a
 * savepoint; when the database refuses it, row by row, each in its own savepoint, so a refused
 * row is reported and the others are kept.
 */
export async function importLeadChunk(
  ctx: JobContext,
  actor: ImportActor,
  rows: readonly NumberedRow[],
  cols: LeadColumns,
  sources: ((value: string) => string | null) | null,
): Promise<{ imported: number; errors: ImportRowError[] }> {
  const errors: ImportRowError[] = [];
  const valid: ValidLeadRow[] = [];
  const mapsCustom = cols.some((c) => c && CUSTOM_COLUMN.test(c));
  const defs = mapsCustom ? new Map((await ctx.customFields.fields(Lead)).map((d) => [d.key, d])) : new Map();
  for (const r of rows) {
    const v = validateLeadRow(r, cols, defs, sources);
    if (Array.isArray(v)) {
      errors.push(...v);
      continue;
    }
    try {
      v.custom = await ctx.customFields.prepare(Lead, v.custom, null);
    } catch (err) {
      if (!(err instanceof CustomFieldError)) throw err;
      for (const d of err.details ?? []) errors.push({ row: v.row, field: d.path ?? 'custom', reason: d.message });
      continue;
    }
    valid.push(v);
  }
  const rules = valid.length ? await activeRules(ctx) : [];
  const { userId } = actor;
  const prepared = valid.map((v) => {
    const id = randomUUID();
    const o: Record<string, unknown> = { tenantId: ctx.tenant.id, createdBy: userId, ownerId: userId, id };
    for (const k of LEAD_COLUMNS) o[k] = v.lead[k] ?? null;
    o.currency = v.lead.currency ?? null;
    o.description = v.lead.description ?? null;
    o.custom = v.custom;
    o.score = scoreOf(rules, scoredRow(id, userId, v));
    return { id, v, o };
  });
  const publish = async (p: (typeof prepared)[number]) =>
    ctx.events.publish(LeadCreated, p.id, { id: p.id, title: p.v.lead.title, ownerId: userId });
  if (!prepared.length) return { imported: 0, errors };
  let imported = 0;
  try {
    await ctx.em.transactional(async () => {
      await ctx.em.insertMany(
        LeadEntity,
        prepared.map((p) => p.o),
      );
      for (const p of prepared) await publish(p);
    });
    imported = prepared.length;
  } catch (err) {
    ctx.log.info({ err: String(err) }, 'lead import chunk refused as a whole; writing it row by row');
    ctx.em.clear();
    for (const p of prepared) {
      try {
        await ctx.em.transactional(async () => {
          await ctx.em.insertMany(LeadEntity, [p.o]);
          await publish(p);
        });
        imported += 1;
      } catch (rowErr) {
        ctx.em.clear();
        ctx.log.warn({ row: p.v.row, err: String(rowErr) }, 'import row not saved');
        errors.push({ row: p.v.row, field: '', reason: `could not be saved: ${(rowErr as Error).message}` });
      }
    }
  }
  return { imported, errors: errors.sort((a, b) => a.row - b.row) };
}
