import { ConflictError, type SystemContext } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { ReplenishmentSuggested } from '../events.ts';
import { ReorderRule, type ReorderRuleRow, Replenishment, type ReplenishmentRow } from '../models/reorder.model.ts';
import { Warehouse } from '../models/warehouse.model.ts';
import { format, parse } from './decimal.ts';
import { stockedProduct } from './moves.service.ts';
import { createOperation } from './operations.service.ts';

// Reorder rules (min/max/multiple per product and warehouse) and the replenishment suggestions
// they raise. A check computes every rule's forecast in one statement; a rule below min with no
// open suggestion and still armed raises one (an insert guarded by a partial unique index, so two
// checks at once raise it once) and publishes `inventory.replenishment.suggested`. The rule is
// re-armed only when a later check finds the forecast back at or above min.

interface Forecast {
  id: string;
  product_id: string;
  warehouse_id: string;
  min: string;
  max: string;
  multiple: string | null;
  armed: boolean;
  forecast: string;
}

/** max − forecast, rounded up to the multiple. */
export function suggestedQuantity(forecast: bigint, max: bigint, multiple: bigint | null): bigint {
  const need = max - forecast;
  if (need <= 0n) return 0n;
  if (!multiple || multiple <= 0n) return need;
  return ((need + multiple - 1n) / multiple) * multiple;
}

/**
 * Forecast per rule: on hand − reserved in the warehouse's internal locations, plus what open
 * (draft or confirmed) moves bring into them from outside the warehouse.
 */
async function forecasts(ctx: SystemContext, productIds: readonly string[] | null): Promise<Forecast[]> {
  return ctx.db.query<Forecast>(
    `select r.id, r.product_id, r.warehouse_id, r.min::text, r.max::text, r.multiple::text, r.armed,
            (coalesce((select sum(q.quantity - q.reserved) from inventory_quant q
                         join inventory_location l on l.tenant_id = q.tenant_id and l.id = q.location_id
                        where q.tenant_id = r.tenant_id and q.product_id = r.product_id
                          and l.warehouse_id = r.warehouse_id and l.usage = 'internal'), 0)
           + coalesce((select sum(m.quantity) from inventory_move m
                         join inventory_location t on t.tenant_id = m.tenant_id and t.id = m.to_id
                         join inventory_location s on s.tenant_id = m.tenant_id and s.id = m.from_id
                        where m.tenant_id = r.tenant_id and m.product_id = r.product_id
                          and m.state in ('draft', 'confirmed') and t.warehouse_id = r.warehouse_id
                          and t.usage = 'internal' and s.warehouse_id is distinct from r.warehouse_id), 0))::text as forecast
       from inventory_reorder_rule r
      where r.tenant_id = $1 and r.active and ($2::uuid[] is null or r.product_id = any($2::uuid[]))
      order by r.id`,
    [ctx.tenant.id, productIds],
  );
}

/** Checks the rules (of some products, or all); returns the suggestions raised now. */
export async function checkRules(
  ctx: SystemContext,
  productIds: readonly string[] | null = null,
): Promise<ReplenishmentRow[]> {
  const rows = await forecasts(ctx, productIds);
  const rearm = rows.filter((r) => !r.armed && parse(r.forecast) >= parse(r.min)).map((r) => r.id);
  if (rearm.length) {
    await ctx.db.query(`update inventory_reorder_rule set armed = true where tenant_id = $1 and id = any($2::uuid[])`, [
      ctx.tenant.id,
      rearm,
    ]);
  }
  const raised: ReplenishmentRow[] = [];
  for (const r of rows) {
    const forecast = parse(r.forecast);
    if (!r.armed || forecast >= parse(r.min)) continue;
    const qty = suggestedQuantity(forecast, parse(r.max), r.multiple ? parse(r.multiple) : null);
    if (qty <= 0n) continue;
    const inserted = await ctx.db.query<{ id: string }>(
      `insert into inventory_replenishment (tenant_id, rule_id, product_id, warehouse_id, quantity, forecast, state)
       values ($1, $2, $3, $4, $5::numeric, $6::numeric, 'open')
       on conflict (tenant_id, rule_id) where state = 'open' do nothing
       returning id`,
      [ctx.tenant.id, r.id, r.product_id, r.warehouse_id, format(qty), format(forecast)],
    );
    await ctx.db.query(`update inventory_reorder_rule set armed = false where tenant_id = $1 and id = $2`, [
      ctx.tenant.id,
      r.id,
    ]);
    const id = inserted[0]?.id;
    if (!id) continue;
    const suggestion = await ctx.db.repo(Replenishment).getOrThrow(id);
    await ctx.events.publish(ReplenishmentSuggested, r.product_id, {
      suggestionId: id,
      ruleId: r.id,
      productId: r.product_id,
      warehouseId: r.warehouse_id,
      quantity: suggestion.quantity,
      forecast: suggestion.forecast,
    });
    raised.push(suggestion);
  }
  return raised;
}

/** The rule checks on create and update: the product is stocked, 0 ≤ min ≤ max, multiple > 0. */
export async function checkRuleInput(ctx: SystemContext, input: Partial<ReorderRuleRow>, current?: ReorderRuleRow) {
  const next = { ...current, ...input } as Partial<ReorderRuleRow>;
  if (input.product !== undefined) await stockedProduct(ctx, String(input.product), 'product');
  if (input.warehouse !== undefined && !(await ctx.db.repo(Warehouse).get(String(input.warehouse)))) {
    throw inventoryErrors.notFound('warehouse', 'warehouse');
  }
  const dec = (v: unknown) => (typeof v === 'string' && /^\d{1,14}(\.\d{1,4})?$/.test(v) ? parse(v) : null);
  for (const key of ['min', 'max', 'multiple'] as const) {
    const v = next[key];
    if (v === null || v === undefined) continue;
    if (dec(v) === null) throw inventoryErrors.quantity(key, 'must be a quantity of at most 14 digits and 4 decimals');
  }
  const min = dec(next.min);
  const max = dec(next.max);
  if (min !== null && max !== null && max < min) throw inventoryErrors.quantity('max', 'must be at least min');
  const multiple = dec(next.multiple);
  if (next.multiple !== null && next.multiple !== undefined && (multiple === null || multiple <= 0n)) {
    throw inventoryErrors.quantity('multiple', 'must be more than 0');
  }
}

const handled = (state: string) =>
  new ConflictError('INVENTORY_SUGGESTION_STATE', `This suggestion is ${state}`, [
    { path: 'state', message: `is ${state}` },
  ]);

async function take(ctx: SystemContext, id: string, to: 'accepted' | 'dismissed') {
  const rows = await ctx.db.query<{ id: string }>(
    `update inventory_replenishment set state = $3, handled_at = now(),
            handled_by = nullif(current_setting('app.user_id', true), '')::uuid, updated_at = now()
      where tenant_id = $1 and id = $2 and state = 'open' returning id`,
    [ctx.tenant.id, id, to],
  );
  const s = await ctx.db.repo(Replenishment).getOrThrow(id);
  if (!rows.length) throw handled(s.state);
  return s;
}

/** Accepting makes a draft receipt of the suggested quantity into the warehouse's Stock. */
export async function acceptSuggestion(ctx: SystemContext, id: string): Promise<ReplenishmentRow> {
  const s = await take(ctx, id, 'accepted');
  const wh = await ctx.db.repo(Warehouse).getOrThrow(s.warehouse);
  const op = await createOperation(ctx, {
    kind: 'receipt',
    state: 'draft',
    toLocationId: wh.stockLocation,
    reference: 'Replenishment',
    origin: `inventory.replenishment:${id}`,
    lines: [{ productId: s.product, quantity: s.quantity }],
  });
  await ctx.db.query(`update inventory_replenishment set operation_id = $3 where tenant_id = $1 and id = $2`, [
    ctx.tenant.id,
    id,
    op.id,
  ]);
  return ctx.db.repo(Replenishment).getOrThrow(id);
}

export const dismissSuggestion = (ctx: SystemContext, id: string) => take(ctx, id, 'dismissed');

export { ReorderRule };
