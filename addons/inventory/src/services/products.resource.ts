import { defineResource, type JsonSchema, type RequestContext } from '@elevate/sdk';
import { inventoryErrors, lotErrors } from '../errors.ts';
import { Product } from '../models/product.model.ts';
import { Uom } from '../models/uom.model.ts';
import { checkBarcode } from './barcode.ts';

// The derived resource (REST + GraphQL CRUD) with the product's rules laid over it: barcode
// check digits, units of one kind, costs behind their own permission, a default stock unit,
// and archive instead of delete once the product has stock or history.

const base = defineResource(Product, {
  search: ['name', 'sku', 'barcode'],
  filters: ['type', 'category', 'active', 'template'],
  readOnly: ['template', 'variantValues'],
  sort: ['createdAt', 'updatedAt', 'name', 'sku'],
  hooks: {
    async beforeWrite(ctx, input, existing) {
      if (!existing) {
        let uom = typeof input.uom === 'string' ? input.uom : null;
        if (!uom) {
          uom = (await ctx.db.repo(Uom).find({ where: { name: 'Units' }, limit: 1 }))[0]?.id ?? null;
          if (!uom) throw inventoryErrors.notFound('unit of measure', 'uom');
        }
        await checkInput(ctx, input, uom);
        checkTracking(input.tracking, input.type);
        return { ...input, uom };
      }
      if (typeof input.uom === 'string' && input.uom !== existing.uom && (await hasHistory(ctx, existing.id))) {
        throw inventoryErrors.uomChange();
      }
      // Moves and quants without lots cannot become tracked ones (nor lots untracked).
      if (
        typeof input.tracking === 'string' &&
        input.tracking !== existing.tracking &&
        (await hasHistory(ctx, existing.id))
      ) {
        throw lotErrors.trackingLocked();
      }
      checkTracking(input.tracking ?? existing.tracking, input.type ?? existing.type);
      await checkInput(ctx, input, typeof input.uom === 'string' ? input.uom : existing.uom);
      return input;
    },
  },
});

function checkTracking(tracking: unknown, type: unknown) {
  if (tracking && tracking !== 'none' && type === 'service') {
    throw inventoryErrors.quantity('tracking', 'must be none for a service (services are not stocked)');
  }
}

const currency = { type: 'string', pattern: '^[A-Z]{3}$' };
const withCurrency = (s: JsonSchema, optionalUom: boolean): JsonSchema => {
  const schema = s as { properties: Record<string, unknown>; required?: string[] };
  return {
    ...schema,
    properties: { ...schema.properties, currency },
    ...(schema.required
      ? { required: optionalUom ? schema.required.filter((k) => k !== 'uom') : schema.required }
      : {}),
  };
};

async function checkInput(ctx: RequestContext, input: Record<string, unknown>, stockUom: string | null) {
  if (typeof input.barcode === 'string') {
    const res = checkBarcode(input.barcode);
    if ('error' in res) throw inventoryErrors.badBarcode(res.error);
  }
  if (input.cost !== undefined && input.cost !== null && !ctx.can('inventory.cost.write')) {
    throw inventoryErrors.costForbidden();
  }
  const uoms = ctx.db.repo(Uom);
  const stock = stockUom ? await uoms.get(stockUom) : null;
  for (const key of ['purchaseUom', 'saleUom'] as const) {
    const id = input[key];
    if (typeof id !== 'string' || !stock) continue;
    const u = await uoms.get(id);
    if (u && u.kind !== stock.kind) throw inventoryErrors.uomKind(key);
  }
}

const hasHistory = async (ctx: RequestContext, id: string) =>
  (
    await ctx.db.query(
      `select 1 from inventory_move where tenant_id = $1 and product_id = $2
       union all select 1 from inventory_quant where tenant_id = $1 and product_id = $2 limit 1`,
      [ctx.tenant.id, id],
    )
  ).length > 0;

type Schemas = typeof base.schemas;
// The SDK caches its shapes per set of extensions; these follow them (and stay the same objects,
// so compiled validators are reused).
const tweaked = new WeakMap<Schemas, Schemas>();
const tweak = (s: Schemas): Schemas => {
  let t = tweaked.get(s);
  if (!t) {
    t = { ...s, create: withCurrency(s.create, true), patch: withCurrency(s.patch, false) };
    tweaked.set(s, t);
  }
  return t;
};

export const productResource: typeof base = {
  ...base,
  schemas: tweak(base.schemas),
  schemasFor: (enabled) => tweak(base.schemasFor(enabled)),

  /** A product with stock or moves is archived (active: false) rather than deleted. */
  async remove(ctx, id) {
    ctx.require(base.permission('delete'));
    const current = await base.get(ctx, id);
    if (await hasHistory(ctx, current.id)) {
      await base.update(ctx, id, { active: false });
      return;
    }
    await base.remove(ctx, id);
  },
};
