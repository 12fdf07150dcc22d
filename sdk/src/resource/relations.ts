import type { RequestContext } from '../context.ts';
import { type EntityRow, entitySchemaOf, pivotSchemasOf, rowOf } from '../entity.ts';
import {
  type AnyModel,
  extensionOwnerOf,
  extensionsOf,
  type FieldDef,
  fieldsWith,
  type ModelExtension,
  modelColumns,
  type RelationDef,
} from '../model.ts';

// Related rows for the resource layer, loaded through the request's DataLoader: a page of N rows
// costs one statement per relation asked for, not N. Every load goes through ctx.em, so the tenant
// filter, row-level security and the caller's record rules apply to the related rows too.

type Shape = { exts: ModelExtension[]; fields: Record<string, FieldDef>; keys: string[] };
const shapes = new WeakMap<AnyModel, Map<string, Shape>>();

/** A model's fields and row keys as a tenant sees them (its enabled addons' extensions included). */
export function shapeOf(model: AnyModel, enabled: ReadonlySet<string>): Shape {
  const exts = extensionsOf(model, enabled);
  // Cached per model and set of extensions: this runs on every request of a resource.
  const key = exts.map((e) => extensionOwnerOf(e)).join(',');
  let byKey = shapes.get(model);
  if (!byKey) {
    byKey = new Map();
    shapes.set(model, byKey);
  }
  let shape = byKey.get(key);
  if (!shape || shape.exts.some((e, i) => e !== exts[i])) {
    const fields = fieldsWith(model, exts);
    shape = { exts, fields, keys: [...new Set([...modelColumns(model).keys(), ...Object.keys(fields)])] };
    byKey.set(key, shape);
  }
  return shape;
}

/** A row of `model` as the APIs return it to this caller. */
export function apiRow(ctx: RequestContext, model: AnyModel, e: EntityRow): Record<string, unknown> {
  const { fields, keys } = shapeOf(model, ctx.enabledAddons);
  return rowOf(model, e, keys, fields);
}

const READ = { disableIdentityMap: true } as const;

/** The row of `model` with this id, or null when it does not exist or the caller may not see it. */
export function loadRow(ctx: RequestContext, model: AnyModel, id: string): Promise<Record<string, unknown> | null> {
  if (!ctx.can(`${model.access}.read`)) return Promise.resolve(null);
  return ctx
    .loader<string, Record<string, unknown> | null>(`sdk.row:${model.name}`, async (ids) => {
      const found = await ctx.em.find(entitySchemaOf(model), { id: { $in: [...ids] } }, READ);
      const byId = new Map(found.map((e) => [e.id as string, apiRow(ctx, model, e)]));
      return ids.map((i) => byId.get(i) ?? null);
    })
    .load(id);
}

/** The rows of `def.target` whose `def.inverse` points at the row `id` of `model` (oldest first). */
export function loadHasMany(
  ctx: RequestContext,
  model: AnyModel,
  key: string,
  def: RelationDef,
  id: string,
): Promise<Record<string, unknown>[]> {
  const target = def.target();
  ctx.require(`${target.access}.read`);
  const inverse = def.inverse as string;
  return ctx
    .loader<string, Record<string, unknown>[]>(`sdk.hasMany:${model.name}.${key}`, async (ids) => {
      const found = await ctx.em.find(
        entitySchemaOf(target),
        { [inverse]: { $in: ids.map((i) => [ctx.tenant.id, i]) } },
        { ...READ, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      );
      const byParent = new Map<string, Record<string, unknown>[]>(ids.map((i) => [i, []]));
      for (const e of found) byParent.get((e[inverse] as { id: string }).id)?.push(apiRow(ctx, target, e));
      return ids.map((i) => byParent.get(i) ?? []);
    })
    .load(id);
}

/** The pivot entity of a many-to-many relation and its two sides' property names. */
function pivotOf(model: AnyModel, key: string) {
  const def = model.relations[key] as RelationDef;
  const noun = (m: AnyModel) => m.name.slice(m.name.indexOf('.') + 1);
  const pivot = pivotSchemasOf(model).find((p) => p.meta.className === `${model.name}_${key}`);
  if (!pivot) throw new Error(`${model.name}.${key} is not a many-to-many relation`);
  return { pivot, own: noun(model), other: noun(def.target()), target: def.target() };
}

/** The ids on the other side of the many-to-many relation `key` of row `id`. */
export function loadManyIds(ctx: RequestContext, model: AnyModel, key: string, id: string): Promise<string[]> {
  const { pivot, own, other } = pivotOf(model, key);
  return ctx
    .loader<string, string[]>(`sdk.many:${model.name}.${key}`, async (ids) => {
      const found = await ctx.em.find(pivot, { [own]: { $in: ids.map((i) => [ctx.tenant.id, i]) } }, READ);
      const byRow = new Map<string, string[]>(ids.map((i) => [i, []]));
      for (const p of found) byRow.get((p[own] as { id: string }).id)?.push((p[other] as { id: string }).id);
      return ids.map((i) => (byRow.get(i) ?? []).sort());
    })
    .load(id);
}

/** Replaces the set of the many-to-many relation `key` of a loaded or new entity (flushed by the caller). */
export async function setManyIds(
  ctx: RequestContext,
  model: AnyModel,
  e: EntityRow,
  key: string,
  ids: readonly string[],
): Promise<void> {
  const target = entitySchemaOf((model.relations[key] as RelationDef).target());
  const coll = e[key] as {
    isInitialized(): boolean;
    init(): Promise<unknown>;
    set(items: unknown[]): void;
  };
  if (!coll.isInitialized()) await coll.init();
  coll.set(ids.map((id) => ctx.em.getReference(target, [ctx.tenant.id, id] as never)));
}
