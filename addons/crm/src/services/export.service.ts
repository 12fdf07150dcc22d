import { type CustomFieldDef, customFieldText, type RequestContext } from '@elevate/sdk';
import { type CsvValue, csvRow } from './csv.ts';
import { fromQuery, type ListTarget, listQuerySchema, listSql, TARGETS } from './list-query.ts';
import { withSegment } from './segments.service.ts';

/**
 * The most rows one export request returns (100,000, or the operator's CRM_EXPORT_MAX_ROWS); the
 * response says when it stopped there and the page offers the whole list as a background export.
 */
export const MAX_EXPORT_ROWS = exportCap(process.env.CRM_EXPORT_MAX_ROWS);

function exportCap(value: string | undefined): number {
  if (value === undefined || value === '') return 100_000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) {
    throw new Error(`CRM_EXPORT_MAX_ROWS must be a whole number from 1 to 1000000, got "${value}"`);
  }
  return n;
}
/** The most rows a background export (`crm.contacts` & co., a job) writes. */
export const MAX_BACKGROUND_ROWS = 2_000_000;
const FETCH = 2_000;

/**
 * The list query of a target, with export paging: no default limit (everything matching,
 * up to MAX_EXPORT_ROWS) and `limit` up to that cap.
 */
export function exportQuerySchema(target: ListTarget) {
  const base = listQuerySchema(target);
  const props = base.properties as Record<string, unknown>;
  return {
    ...base,
    properties: { ...props, limit: { type: 'integer', minimum: 1, maximum: MAX_EXPORT_ROWS } },
  };
}

type Column = readonly [header: string, sql: string];

/** A visible contact's name, or nothing: names of contacts outside the caller's record rules stay hidden. */
const contactName = (ref: string, owners: string | null) =>
  `(select c.name from crm_contact c where c.tenant_id = t.tenant_id and c.id = ${ref}${owners ? ` and c.owner_id = any(${owners}::uuid[])` : ''})`;

/** The parameter holding the contact owners the caller sees (null: all), added on first use. */
type OwnersParam = () => string | null;

/**
 * Columns are named like the API fields, so an exported contacts file maps itself when it is
 * imported again. Linked contacts are named only when `owners` is given (the caller reads contacts).
 */
function columns(target: ListTarget, owners: OwnersParam | null): Column[] {
  const audit: Column[] = [
    ['ownerId', 't.owner_id'],
    ['createdAt', 't.created_at'],
    ['updatedAt', 't.updated_at'],
  ];
  const linked = (ref: string) => (owners ? contactName(ref, owners()) : 'null');
  if (target === 'contact') {
    return [
      ['id', 't.id'],
      ['kind', 't.kind'],
      ['name', 't.name'],
      ['firstName', 't.first_name'],
      ['lastName', 't.last_name'],
      ['email', 't.email'],
      ['phone', 't.phone'],
      ['jobTitle', 't.job_title'],
      ['company', linked('t.company_id')],
      ['companyId', 't.company_id'],
      ['website', 't.website'],
      ['street', 't.street'],
      ['city', 't.city'],
      ['postalCode', 't.postal_code'],
      ['country', 't.country'],
      ['source', 't.source'],
      [
        'tags',
        `(select string_agg(g.name, '; ' order by g.name) from crm_contact_tag ct join crm_tag g on g.tenant_id = ct.tenant_id and g.id = ct.tag_id
          where ct.tenant_id = t.tenant_id and ct.contact_id = t.id)`,
      ],
      ...audit,
    ];
  }
  if (target === 'lead') {
    return [
      ['id', 't.id'],
      ['title', 't.title'],
      ['status', 't.status'],
      ['score', 't.score'],
      ['contactName', 't.contact_name'],
      ['companyName', 't.company_name'],
      ['email', 't.email'],
      ['phone', 't.phone'],
      ['source', 't.source'],
      ['value', 't.value'],
      ['currency', 't.currency'],
      ['description', 't.description'],
      ['contactId', 't.contact_id'],
      ['convertedAt', 't.converted_at'],
      ...audit,
    ];
  }
  return [
    ['id', 't.id'],
    ['title', 't.title'],
    ['status', 't.status'],
    ['pipeline', '(select p.name from crm_pipeline p where p.tenant_id = t.tenant_id and p.id = t.pipeline_id)'],
    ['stage', '(select s.name from crm_stage s where s.tenant_id = t.tenant_id and s.id = t.stage_id)'],
    ['value', 't.value'],
    ['currency', 't.currency'],
    ['probability', 't.probability'],
    ['expectedCloseDate', 't.expected_close_date'],
    ['contact', linked('t.contact_id')],
    ['contactId', 't.contact_id'],
    ['leadId', 't.lead_id'],
    ['lostReason', 't.lost_reason'],
    ['closedAt', 't.closed_at'],
    ...audit,
  ];
}

/**
 * Spreadsheets run cells that start with = + - @ as formulas: such text gets a leading
 * apostrophe. Numbers and phone numbers (`+1 555`, `-12.5`) stay as they are.
 */
export function neutralizeFormula(v: CsvValue): CsvValue {
  if (typeof v !== 'string' || !/^[=+\-@\t\r]/.test(v)) return v;
  return /^[+-]?[\d\s().]+$/.test(v) ? v : `'${v}`;
}

export interface CsvExport {
  csv: string;
  rows: number;
  truncated: boolean;
  filename: string;
}

const NAMES: Record<ListTarget, string> = { contact: 'contacts', lead: 'leads', opportunity: 'opportunities' };

/**
 * A list as CSV: the same filter, segment, sort and record rules as the list endpoint, further
 * limited to the rows the caller may export (`crm.contact.export` scope). Read in chunks from
 * a cursor, so memory holds the text and one chunk of rows.
 */
export async function exportCsv(
  ctx: RequestContext,
  target: ListTarget,
  query: Record<string, unknown>,
  max = MAX_EXPORT_ROWS,
): Promise<CsvExport> {
  ctx.require('crm.contact.export');
  const opts = fromQuery({ ...query, limit: query.limit ?? max, offset: query.offset ?? 0 });
  const segmentId = typeof query.segmentId === 'string' ? query.segmentId : null;
  const filter = await withSegment(ctx, target, segmentId, opts.filter);
  const q = await listSql(ctx, target, { filter, ...(opts.sort ? { sort: opts.sort } : {}) });
  const params = [...q.params];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  let from = q.from;
  const exportOwners = await ctx.ownerIds('crm.contact.export');
  if (exportOwners) from += ` and t.owner_id = any(${add(exportOwners)}::uuid[])`;
  const contactOwners = ctx.can('crm.contact.read') ? await ctx.ownerIds('crm.contact.read') : undefined;
  let param: string | null | undefined;
  const owners = () => {
    if (param === undefined) param = contactOwners ? add(contactOwners) : null;
    return param;
  };
  // Linked contact names only for callers who may read contacts.
  const cols = columns(target, contactOwners === undefined ? null : owners);
  // The custom fields the caller sees, as `custom.<key>` columns (an import maps them back).
  const custom = new Map<number, CustomFieldDef>();
  for (const d of await ctx.customFields.fields(TARGETS[target].model)) {
    custom.set(cols.length, d);
    cols.push([`custom.${d.key}`, `t.custom -> '${d.key}'`]);
  }
  const cell = (r: Record<string, unknown>, i: number): CsvValue => {
    const d = custom.get(i);
    return d ? customFieldText(d, r[`c${i}`]) : (r[`c${i}`] as CsvValue);
  };
  const limit = Math.min(opts.limit, max);
  const select = cols.map(([, sql], i) => `${sql} as c${i}`).join(', ');
  // Raw SQL, kept: a server-side cursor read FETCH rows at a time (up to `max` rows
  // without holding them all in the driver at once; the ORM has no cursor), over the same
  // listSql WHERE as the list, with both record rules (crm.contact.export above, crm.contact.read
  // for linked names). Not benchmarked.
  // One row past the limit tells whether the list goes on.
  await ctx.db.query(
    `declare crm_export no scroll cursor for select ${select} ${from} order by ${q.orderBy} limit ${add(limit + 1)} offset ${add(opts.offset)}`,
    params,
  );
  const lines = [csvRow(cols.map(([header]) => header))];
  let fetched = 0;
  for (;;) {
    const batch = await ctx.db.query<Record<string, CsvValue>>(`fetch ${FETCH} from crm_export`);
    for (const r of batch) {
      fetched += 1;
      if (fetched <= limit) lines.push(csvRow(cols.map((_, i) => neutralizeFormula(cell(r, i)))));
    }
    if (batch.length < FETCH) break;
  }
  await ctx.db.query('close crm_export');
  await ctx.audit.record({
    action: 'export',
    table: `crm_${target}`,
    detail: { query, rows: Math.min(fetched, limit), ...(max === MAX_EXPORT_ROWS ? {} : { background: true }) },
  });
  const day = new Date().toISOString().slice(0, 10);
  return {
    // A BOM so spreadsheet programs read UTF-8 names right; CRLF line ends (RFC 4180).
    csv: `\ufeff${lines.join('\r\n')}\r\n`,
    rows: Math.min(fetched, limit),
    truncated: fetched > limit,
    filename: `${NAMES[target]}-${day}.csv`,
  };
}
