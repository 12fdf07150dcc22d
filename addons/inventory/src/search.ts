import { defineSearchProvider } from '@elevate/sdk';

// Products by SKU, name or barcode (Ctrl/Cmd+K). The matching runs in inventory_search_products
// (migration 0014: SECURITY DEFINER, so the trigram index is used under forced RLS); the rows are
// read here under RLS as usual. Archived products come after active ones.
const SQL = `select t.id, t.name as title,
    nullif(concat_ws(' · ', t.sku, t.barcode, case when not t.active then 'archived' end), '') as subtitle, s.score
  from inventory_search_products($1::text[], $2::int) s
  join inventory_product t on t.tenant_id = $3 and t.id = s.id
  order by t.active desc, s.score desc, t.name, t.id`;

export const searchProviders = [
  defineSearchProvider({
    type: 'inventory.product',
    label: 'Products',
    labelKey: 'search.products',
    permission: 'inventory.product.read',
    search: async (ctx, q) => {
      // Raw SQL, kept: trigram matching has no ORM operator and the index is usable only in the function.
      const rows = await ctx.db.query<{ id: string; title: string; subtitle: string | null; score: number }>(
        SQL,
        [q.terms, q.limit, ctx.tenant.id],
        { prepare: true },
      );
      return rows.map((r) => ({ ...r, score: Number(r.score), href: `/inventory/products/${r.id}` }));
    },
  }),
];
