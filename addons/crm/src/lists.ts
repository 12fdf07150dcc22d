import { defineList, type JsonSchema, type ListDef, type RequestContext } from '@elevate/sdk';
import { fromQuery, type ListTarget, listQuerySchema, listSql, TARGETS } from './services/list-query.ts';

// crm's lists for saved views: each view stores the list's query-string filters (crm's one filter
// language), and its count is the list's own WHERE (record rules included) counted in SQL.

const NOT_FILTERS = new Set(['limit', 'offset', 'sort', 'segmentId']);

function filtersOf(target: ListTarget, leave: readonly string[] = []): Record<string, JsonSchema> {
  const props = (listQuerySchema(target) as { properties: Record<string, JsonSchema> }).properties;
  return Object.fromEntries(Object.entries(props).filter(([k]) => !NOT_FILTERS.has(k) && !leave.includes(k)));
}

async function countOf(ctx: RequestContext, target: ListTarget, filters: Record<string, unknown>): Promise<number> {
  const { filter } = fromQuery({ ...filters, limit: 1, offset: 0 });
  const q = await listSql(ctx, target, { filter });
  // Raw SQL, kept: the list's own WHERE from listSql, counted (one statement per view).
  const rows = await ctx.db.query<{ n: number }>(`select count(*)::int as n ${q.from}`, q.params);
  return rows[0]?.n ?? 0;
}

const list = (name: string, target: ListTarget, fixed: Record<string, string> = {}): ListDef =>
  defineList({
    name,
    permission: TARGETS[target].permission,
    filters: filtersOf(target, Object.keys(fixed)),
    sort: Object.keys(TARGETS[target].sortable),
    // Contacts, leads and opportunities opt in to custom fields: views filter and sort by them too.
    customFields: true,
    count: (ctx, filters) => countOf(ctx, target, { ...filters, ...fixed }),
  });

export const crmLists: readonly ListDef[] = [
  list('contacts', 'contact'),
  list('companies', 'contact', { kind: 'company' }),
  list('leads', 'lead'),
  list('opportunities', 'opportunity'),
];
