import { randomUUID } from 'node:crypto';
import { ConflictError, type SystemContext } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import { Product, type ProductRow } from '../models/product.model.ts';

// Variants from attributes (Odoo's product variants): size × colour → one product per
// combination, each with its own SKU, barcode (set on the variant) and stock. A variant is a
// product like any other, linked to its template and carrying its attribute values.

export interface Attribute {
  name: string;
  values: string[];
}

/** At most this many combinations per call. */
export const MAX_VARIANTS = 200;

/** Every combination of the attributes' values, in order: [{Size: S, Colour: Red}, ...]. */
export function combinations(attributes: Attribute[]): Record<string, string>[] {
  return attributes.reduce<Record<string, string>[]>(
    (acc, a) => acc.flatMap((c) => a.values.map((v) => ({ ...c, [a.name]: v }))),
    [{}],
  );
}

const skuPart = (v: string) =>
  v
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toUpperCase() || 'X';
const key = (values: Record<string, unknown> | null) =>
  JSON.stringify(Object.entries(values ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * Makes the template's missing variants (those it has already are kept): SKU `<sku>-<S>-<RED>`,
 * name `<name> (S, Red)`, the template's type, units, category, prices and currency.
 */
export async function createVariants(
  ctx: SystemContext,
  templateId: string,
  attributes: Attribute[],
): Promise<{ created: number; data: ProductRow[] }> {
  const products = ctx.db.repo(Product);
  const template = await products.getOrThrow(templateId);
  if (template.template) {
    throw inventoryErrors.quantity('id', 'is a variant; make variants of its template');
  }
  const names = attributes.map((a) => a.name.trim().toLowerCase());
  attributes.forEach((a, i) => {
    if (names.indexOf(names[i] as string) !== i)
      throw inventoryErrors.quantity(`attributes.${i}.name`, 'is given twice');
    const vals = a.values.map((v) => v.trim().toLowerCase());
    a.values.forEach((_, j) => {
      if (vals.indexOf(vals[j] as string) !== j) {
        throw inventoryErrors.quantity(`attributes.${i}.values.${j}`, 'is given twice');
      }
    });
  });
  const combos = combinations(attributes);
  if (combos.length > MAX_VARIANTS) {
    throw inventoryErrors.quantity('attributes', `make at most ${MAX_VARIANTS} combinations at once`);
  }
  const existing = await products.find({ where: { template: template.id }, limit: 10_000 });
  const have = new Set(existing.map((p) => key(p.variantValues)));
  const fresh = combos.filter((c) => !have.has(key(c)));
  const rows = fresh.map((c) => ({
    id: randomUUID(),
    sku: [template.sku, ...Object.values(c).map(skuPart)].join('-').slice(0, 64),
    name: `${template.name} (${Object.values(c).join(', ')})`.slice(0, 200),
    values: c,
  }));
  if (rows.length) {
    const taken = await products.find({ where: { sku: { in: rows.map((r) => r.sku) } }, limit: rows.length });
    if (taken.length) {
      throw new ConflictError('ALREADY_EXISTS', `The SKU ${taken[0]?.sku} is taken by another product`, [
        { path: 'attributes', message: `would make the SKU ${taken[0]?.sku}, which another product has` },
      ]);
    }
    // One statement for all of them, through the data layer (RLS applies).
    await ctx.db.query(
      `insert into inventory_product (tenant_id, id, sku, name, description, type, category_id, uom_id, purchase_uom_id,
                                      sale_uom_id, cost, sale_price, currency, active, template_id, variant_values, created_by)
       select $1, d.id, d.sku, d.name, t.description, t.type, t.category_id, t.uom_id, t.purchase_uom_id, t.sale_uom_id,
              t.cost, t.sale_price, t.currency, true, t.id, d.v, nullif(current_setting('app.user_id', true), '')::uuid
         from unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[]) d(id, sku, name, v)
         join inventory_product t on t.tenant_id = $1 and t.id = $2`,
      [
        ctx.tenant.id,
        template.id,
        rows.map((r) => r.id),
        rows.map((r) => r.sku),
        rows.map((r) => r.name),
        rows.map((r) => JSON.stringify(r.values)),
      ],
    );
  }
  const data = await products.find({
    where: { template: template.id },
    orderBy: [{ field: 'sku' }],
    limit: 10_000,
  });
  return { created: rows.length, data };
}
