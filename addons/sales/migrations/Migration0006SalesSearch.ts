import { Migration, searchIndexSql } from '@elevate/sdk';

/**
 * Global search for quotes, orders and invoices by number (searchIndexSql, @elevate/sdk): a folded
 * `search_norm` column, a GIN index of tenant_id and its trigrams, and a SECURITY DEFINER search
 * function per table, so the index is used despite forced RLS. Finding them by customer goes
 * through crm's contact search (src/search.ts).
 */
export class SalesSearch0006 extends Migration {
  override name = 'SalesSearch0006';

  override up(): void {
    for (const [table, fn] of [
      ['sales_quote', 'sales_search_quotes'],
      ['sales_order', 'sales_search_orders'],
      ['sales_invoice', 'sales_search_invoices'],
    ] as const) {
      for (const sql of searchIndexSql({
        table,
        columns: ['number'],
        title: 'number',
        functionName: fn,
        owned: true,
      })) {
        this.addSql(sql);
      }
    }
  }
}
