import { defineSearchProvider, type RequestContext, type SearchHit, type SearchQuery } from '@elevate/sdk';

// Quotes, orders and invoices by number ("S00012", "INV/2026/00001") or by customer ("acme" finds
// Acme's documents), under the caller's record rules (Ctrl/Cmd+K). Numbers match through each
// table's search function (migration 0006); customers through crm's contact search function (the
// document's contact or company), both SECURITY DEFINER so their trigram indexes are used under
// forced RLS. A document found both ways keeps its better score. Quote revisions share a number:
// only the latest revision is listed.
interface Kind {
  type: string;
  label: string;
  permission: string;
  table: string;
  fn: string;
  /** The web page of a hit (invoices have none of their own: their order's). */
  href: (row: Row) => string | null;
  where?: string;
  subtitle: string;
}
interface Row {
  id: string;
  title: string | null;
  subtitle: string | null;
  score: number;
  order_id?: string | null;
}

const KINDS: Kind[] = [
  {
    type: 'sales.quote',
    label: 'Quotes',
    permission: 'sales.quote.read',
    table: 'sales_quote',
    fn: 'sales_search_quotes',
    href: (r) => `/sales/quotes/${r.id}`,
    where: 'and not exists (select 1 from sales_quote n where n.tenant_id = t.tenant_id and n.parent_id = t.id)',
    subtitle: "concat_ws(' · ', cust.name, t.state, t.amount_total::numeric(20,2)::text || ' ' || t.currency)",
  },
  {
    type: 'sales.order',
    label: 'Orders',
    permission: 'sales.order.read',
    table: 'sales_order',
    fn: 'sales_search_orders',
    href: (r) => `/sales/orders/${r.id}`,
    subtitle: "concat_ws(' · ', cust.name, t.state, t.amount_total::numeric(20,2)::text || ' ' || t.currency)",
  },
  {
    type: 'sales.invoice',
    label: 'Invoices',
    permission: 'sales.invoice.read',
    table: 'sales_invoice',
    fn: 'sales_search_invoices',
    href: (r) => (r.order_id ? `/sales/orders/${r.order_id}` : null),
    where: 'and t.number is not null',
    subtitle: "concat_ws(' · ', cust.name, t.payment_status, t.amount_total::numeric(20,2)::text || ' ' || t.currency)",
  },
];

// `$1` words, `$2` owners or null, `$3` limit, `$4` tenant.
const sql = (k: Kind) => `with hits as (
    select s.id, s.score from ${k.fn}($1::text[], $2::uuid[], $3::int) s
    union all
    select d.id, c.score * 0.9 from crm_search_contacts($1::text[], null, null, 20) c
    join ${k.table} d on d.tenant_id = $4 and (d.contact_id = c.id or d.company_id = c.id)
    where ($2::uuid[] is null or d.owner_id = any($2::uuid[]))
  ), best as (select id, max(score) as score from hits group by id)
  select t.id, t.number as title, nullif(${k.subtitle}, '') as subtitle, b.score${k.table === 'sales_invoice' ? ', t.order_id' : ''}
  from best b join ${k.table} t on t.tenant_id = $4 and t.id = b.id
  left join crm_contact cust on cust.tenant_id = t.tenant_id and cust.id = coalesce(t.company_id, t.contact_id)
  where true ${k.where ?? ''}
  order by b.score desc, t.created_at desc, t.id limit $3`;

async function run(k: Kind, ctx: RequestContext, q: SearchQuery): Promise<SearchHit[]> {
  const owners = await ctx.ownerIds(k.permission);
  // Raw SQL, kept: trigram matching has no ORM operator and the index is usable only in the functions.
  const rows = await ctx.db.query<Row>(sql(k), [q.terms, owners, q.limit, ctx.tenant.id], { prepare: true });
  return rows.flatMap((r) => {
    const href = k.href(r);
    return href ? [{ id: r.id, title: r.title ?? '', subtitle: r.subtitle, href, score: Number(r.score) }] : [];
  });
}

export const searchProviders = KINDS.map((k) =>
  defineSearchProvider({
    type: k.type,
    label: k.label,
    // sales.quote → search.quotes in the addon's web catalogue.
    labelKey: `search.${k.label.toLowerCase()}`,
    permission: k.permission,
    search: (ctx, q) => run(k, ctx, q),
  }),
);
