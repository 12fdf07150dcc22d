import { modelColumns, type RequestContext } from '@elevate/sdk';
import { Contact } from '../models/contact.model.ts';
import type { ContactView } from './contacts.service.ts';
import { type ListOptions, listSql } from './list-query.ts';

/** Relations a list embeds only when asked (`include=company,tags`). */
export const CONTACT_INCLUDES = ['company', 'tags'] as const;
export type ContactInclude = (typeof CONTACT_INCLUDES)[number];

/** A list field (as REST names it: `companyId`, not the model's `company`) → its column. */
export const CONTACT_LIST_FIELDS: ReadonlyMap<string, string> = new Map([
  ...[...modelColumns(Contact)].map(([key, col]): [string, string] => [key === 'company' ? 'companyId' : key, col]),
  // The custom-field document, narrowed to what the caller may see before it leaves.
  ['custom', 'custom'],
]);

export interface ContactListShape {
  /** Fields to return (default: every column of the contact; `id` always). */
  fields?: readonly string[];
  include?: readonly ContactInclude[];
  /** Count the matching rows (a second scan of the filter); off unless asked. */
  count?: boolean;
}

/** The select list of a shape, built once per distinct shape (a handful in practice). */
const selects = new Map<string, string>();
function selectOf(fields: readonly string[] | undefined): string {
  const key = fields ? [...new Set(['id', ...fields])].sort().join(',') : '*';
  let s = selects.get(key);
  if (!s) {
    const keys = fields ? key.split(',') : [...CONTACT_LIST_FIELDS.keys()];
    s = keys.map((k) => `t."${CONTACT_LIST_FIELDS.get(k)}" as "${k}"`).join(', ');
    if (selects.size < 500) selects.set(key, s);
  }
  return s;
}

/**
 * A page of contacts as the REST list shows them, in one statement: the page is cut first
 * (an index serves the order), then — only when asked — its companies (under the caller's
 * record rules), tags and the total are joined to those rows only.
 *
 * Raw SQL, kept on purpose: this is crm's hottest read (the REST list, the GraphQL list and a
 * company's people all run it). Measured: the REST list at 0.47–0.63 of a bare prepared page
 * query (docs/performance.md, 2026-11-22, loaded machine). Relations loaded separately, as
 * ctx.em does, cost one round trip each, and each round trip showed: the REST list went from
 * 0.51–0.64 to 0.68 of the older reference when three statements became this one (2026-11-21).
 */
export async function listContactViews(
  ctx: RequestContext,
  opts: ListOptions,
  shape: ContactListShape = {},
): Promise<{ rows: Partial<ContactView>[]; total: number | null }> {
  const q = await listSql(ctx, 'contact', { filter: opts.filter, ...(opts.sort ? { sort: opts.sort } : {}) });
  const params = [...q.params];
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const limit = add(opts.limit);
  const offset = add(opts.offset);
  const include = new Set(shape.include ?? []);
  const extra: string[] = [];
  let join = '';
  if (include.has('company')) {
    const owners = await ctx.ownerIds('crm.contact.read');
    const companyRule = owners ? ` and co.owner_id = any(${add(owners)}::uuid[])` : '';
    extra.push(`case when co.id is null then null else json_build_object('id', co.id, 'name', co.name) end as company`);
    join = ` left join crm_contact co on co.tenant_id = t.tenant_id and co.id = t.company_id${companyRule}`;
  }
  if (include.has('tags')) {
    extra.push(`coalesce((select json_agg(json_build_object('id', tg.id, 'name', tg.name, 'color', tg.color) order by tg.name, tg.id)
         from crm_contact_tag ct join crm_tag tg on tg.tenant_id = ct.tenant_id and tg.id = ct.tag_id
         where ct.tenant_id = t.tenant_id and ct.contact_id = t.id), '[]'::json) as tags`);
  }
  if (shape.count) extra.push(`(select count(*)::int ${q.from}) as "__total"`);
  const select = [selectOf(shape.fields), ...extra].join(', ');
  // Without relations or a count the page is the whole statement; otherwise cut it first.
  const sql =
    extra.length === 0
      ? `select ${select} ${q.from} order by ${q.orderBy} limit ${limit} offset ${offset}`
      : `with page as (select t.* ${q.from} order by ${q.orderBy} limit ${limit} offset ${offset})
         select ${select} from page t${join} order by ${q.orderBy}`;
  const raw = await ctx.db.query<Partial<ContactView> & { __total?: number }>(sql, params, { prepare: true });
  let rows = raw;
  if (!shape.fields || shape.fields.includes('custom')) {
    const read = await ctx.customFields.reader(Contact);
    rows = raw.map((r) => ({ ...r, custom: read(r.custom) }));
  }
  if (!shape.count) return { rows, total: null };
  let total = rows[0]?.__total ?? 0;
  if (rows.length === 0 && opts.offset > 0) {
    total = (await ctx.db.query<{ n: number }>(`select count(*)::int as n ${q.from}`, q.params))[0]?.n ?? 0;
  }
  // Rebuilt rather than `delete`d: a deleted key turns each row into a slow dictionary object.
  return { rows: rows.map(({ __total: _, ...r }) => r), total };
}
