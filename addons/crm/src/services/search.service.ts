import { type RequestContext, searchTerms } from '@elevate/sdk';
import { type ListTarget, TARGETS } from './list-query.ts';

export const SEARCH_TYPES = ['contact', 'lead', 'opportunity'] as const satisfies readonly ListTarget[];
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchHit {
  type: SearchType;
  id: string;
  title: string;
  subtitle: string | null;
  /** `person` or `company` for contacts, null otherwise. */
  kind: string | null;
  rank: number;
}

export interface SearchInput {
  q: string;
  types?: readonly SearchType[] | undefined;
  limit?: number | undefined;
  /** Contacts only: `person` or `company` (both when absent; then up to `limit` of each). */
  kinds?: readonly ('person' | 'company')[] | undefined;
  /** Keep up to `limit` contacts of each kind instead of `limit` hits in all (global search's groups). */
  perKind?: boolean;
}

// One statement per type. The matching runs in the migration's search functions (0005:
// SECURITY DEFINER, so the trigram GIN index is used despite forced RLS; they apply the tenant
// rule and `owners`, the record rule); the rows are then read here under RLS as usual.
// `$1` folded words, `$2` owner ids or null, `$3` limit, `$4` tenant, `$5` contact kinds.
// Subtitles tell hits apart (a person's company, a lead's contact, an opportunity's stage).
const SQL: Record<SearchType, string> = {
  contact: `select t.id, t.kind, t.name as title,
      nullif(concat_ws(' · ', t.job_title, c.name, t.email, case when t.kind = 'company' then t.city end), '') as subtitle,
      s.score as rank
    from crm_search_contacts($1::text[], $5::text[], $2::uuid[], $3::int) s
    join crm_contact t on t.tenant_id = $4 and t.id = s.id
    left join crm_contact c on c.tenant_id = t.tenant_id and c.id = t.company_id
    order by s.score desc, t.name, t.id`,
  lead: `select t.id, null as kind, t.title,
      nullif(concat_ws(' · ', t.contact_name, t.company_name, t.email, t.status), '') as subtitle,
      s.score as rank
    from crm_search_leads($1::text[], $2::uuid[], $3::int) s
    join crm_lead t on t.tenant_id = $4 and t.id = s.id
    order by s.score desc, t.title, t.id`,
  opportunity: `select t.id, null as kind, t.title,
      nullif(concat_ws(' · ', st.name, case when t.value is not null then t.value::text || ' ' || t.currency end, t.status), '') as subtitle,
      s.score as rank
    from crm_search_opportunities($1::text[], $2::uuid[], $3::int) s
    join crm_opportunity t on t.tenant_id = $4 and t.id = s.id
    left join crm_stage st on st.tenant_id = t.tenant_id and st.id = t.stage_id
    order by s.score desc, t.title, t.id`,
};

/**
 * Ranked search across contacts (people and companies), leads and opportunities: accents and
 * case folded, each word matching a word of the record by prefix ("ada lov" finds "Ada
 * Lovelace") or with a typo ("lovlace"), title matches first, under the caller's record rules.
 * A type the caller may not read is left out rather than refused.
 */
export async function search(ctx: RequestContext, input: SearchInput): Promise<SearchHit[]> {
  const terms = searchTerms(input.q);
  if (!terms.length) return [];
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const types = [...new Set(input.types?.length ? input.types : SEARCH_TYPES)];
  const hits: SearchHit[] = [];
  for (const type of types) {
    const permission = TARGETS[type].permission;
    if (!ctx.can(permission)) continue;
    const owners = await ctx.ownerIds(permission);
    const params: unknown[] = [terms, owners, limit, ctx.tenant.id];
    if (type === 'contact') params.push(input.kinds?.length ? input.kinds : null);
    // Raw SQL, kept: trigram matching through the search functions (no ORM operator; the GIN
    // index is usable only inside them). addons/crm/bench/search.bench.ts measures it.
    const rows = await ctx.db.query<Omit<SearchHit, 'type'>>(SQL[type], params, { prepare: true });
    for (const r of rows)
      hits.push({ type, id: r.id, title: r.title, subtitle: r.subtitle, kind: r.kind, rank: Number(r.rank) });
  }
  // The score is the same formula in every table (title words weigh twice), so ranks compare.
  hits.sort((a, b) => b.rank - a.rank || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  return input.perKind ? hits : hits.slice(0, limit);
}

/** `contact,lead` → the known types; unknown names are refused by the route's schema. */
export function parseTypes(types: string | undefined): SearchType[] | undefined {
  if (!types) return undefined;
  return types
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is SearchType => (SEARCH_TYPES as readonly string[]).includes(s));
}
