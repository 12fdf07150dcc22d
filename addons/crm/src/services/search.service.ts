import type { RequestContext } from '@elevate/sdk';
import { type ListTarget, prefixQuery, TARGETS } from './list-query.ts';

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
}

// One statement per type: `$1` tenant, `$2` tsquery, `$3` owner ids or null, `$4` limit.
// Subtitles give the reader enough to tell hits apart (a person's company, a lead's contact,
// an opportunity's stage); their joins name tenant_id like every other statement.
const SQL: Record<SearchType, string> = {
  contact: `select t.id, t.kind, t.name as title,
      nullif(concat_ws(' · ', t.job_title, c.name, t.email, case when t.kind = 'company' then t.city end), '') as subtitle,
      ts_rank(t.search, to_tsquery('simple', $2)) as rank
    from crm_contact t
    left join crm_contact c on c.tenant_id = t.tenant_id and c.id = t.company_id
    where t.tenant_id = $1 and t.search @@ to_tsquery('simple', $2) and ($3::uuid[] is null or t.owner_id = any($3::uuid[]))
    order by rank desc, t.name, t.id limit $4`,
  lead: `select t.id, null as kind, t.title,
      nullif(concat_ws(' · ', t.contact_name, t.company_name, t.email, t.status), '') as subtitle,
      ts_rank(t.search, to_tsquery('simple', $2)) as rank
    from crm_lead t
    where t.tenant_id = $1 and t.search @@ to_tsquery('simple', $2) and ($3::uuid[] is null or t.owner_id = any($3::uuid[]))
    order by rank desc, t.title, t.id limit $4`,
  opportunity: `select t.id, null as kind, t.title,
      nullif(concat_ws(' · ', s.name, case when t.value is not null then t.value::text || ' ' || t.currency end, t.status), '') as subtitle,
      ts_rank(t.search, to_tsquery('simple', $2)) as rank
    from crm_opportunity t
    left join crm_stage s on s.tenant_id = t.tenant_id and s.id = t.stage_id
    where t.tenant_id = $1 and t.search @@ to_tsquery('simple', $2) and ($3::uuid[] is null or t.owner_id = any($3::uuid[]))
    order by rank desc, t.title, t.id limit $4`,
};

/**
 * Ranked full-text search across contacts (people and companies), leads and opportunities,
 * prefix-matched ("ada lov" finds "Ada Lovelace"), under the caller's record rules. A type
 * the caller may not read is left out rather than refused.
 */
export async function search(ctx: RequestContext, input: SearchInput): Promise<SearchHit[]> {
  const tsq = prefixQuery(input.q);
  if (!tsq) return [];
  const limit = Math.min(Math.max(input.limit ?? 20, 1), 100);
  const types = [...new Set(input.types?.length ? input.types : SEARCH_TYPES)];
  const hits: SearchHit[] = [];
  for (const type of types) {
    const permission = TARGETS[type].permission;
    if (!ctx.can(permission)) continue;
    const owners = await ctx.ownerIds(permission);
    // Raw SQL, kept: full-text search (tsvector @@ to_tsquery, ts_rank) has no ORM operator;
    // the record rule is the `owners` parameter ($3). Not benchmarked.
    const rows = await ctx.db.query<Omit<SearchHit, 'type'>>(SQL[type], [ctx.tenant.id, tsq, owners, limit]);
    for (const r of rows)
      hits.push({ type, id: r.id, title: r.title, subtitle: r.subtitle, kind: r.kind, rank: r.rank });
  }
  // ts_rank weights (A names/titles … D descriptions) are the same in every table, so ranks compare.
  hits.sort((a, b) => b.rank - a.rank || a.title.localeCompare(b.title) || a.id.localeCompare(b.id));
  return hits.slice(0, limit);
}

/** `contact,lead` → the known types; unknown names are refused by the route's schema. */
export function parseTypes(types: string | undefined): SearchType[] | undefined {
  if (!types) return undefined;
  return types
    .split(',')
    .map((s) => s.trim())
    .filter((s): s is SearchType => (SEARCH_TYPES as readonly string[]).includes(s));
}
