import type { SystemContext } from '@elevate/sdk';

/**
 * The next document number for `key` (`quote` → S00001, `order` → SO00001). One upsert: the
 * row lock it takes makes concurrent callers wait their turn, so numbers are never given twice;
 * a rolled-back transaction gives its number back.
 */
export async function nextNumber(ctx: SystemContext, key: string, prefix: string): Promise<string> {
  const [row] = await ctx.db.query<{ last: number }>(
    `insert into sales_sequence (tenant_id, id, key, last) values ($1, gen_random_uuid(), $2, 1)
     on conflict (tenant_id, key) do update set last = sales_sequence.last + 1, updated_at = now()
     returning last`,
    [ctx.tenant.id, key],
  );
  return `${prefix}${String(row?.last ?? 1).padStart(5, '0')}`;
}
