import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { GraphQLResolveInfo } from 'graphql';
import type { RequestContext } from '../context.ts';
import { customValuesOf } from '../custom-fields.ts';
import { ValidationError } from '../errors.ts';
import type { GraphQLBuilder } from '../graphql.ts';
import { type AnyModel, extensionOwnerOf, type FieldDef, type ModelExtension, type RelationDef } from '../model.ts';
import type { JsonSchema } from '../rest.ts';
import { loadHasMany, loadManyIds, loadRow, shapeOf } from './relations.ts';
import type { ListArgs, ResourceDef } from './resource.ts';
import { manyKeys } from './schemas.ts';

// The GraphQL side of a resource: an object type with the same fields as the REST rows, a page
// type, list and get queries with the same arguments as the REST list, and create/update/delete
// mutations whose inputs are validated with the same JSON Schemas as REST bodies.

const ajv = new Ajv({ allErrors: true });
addFormats.default(ajv);
const validators = new WeakMap<JsonSchema, ReturnType<typeof ajv.compile>>();

/**
 * Checks a GraphQL argument against a JSON Schema (the one its REST body uses): a `ValidationError`
 * (`VALIDATION_FAILED`) naming each wrong field, `arg.field.path` (or `field.path` when `arg` is ''),
 * as the derived resource mutations do. Hand-written mutations use it so bad input is a typed error,
 * never an internal one.
 */
export function validateInput(schema: JsonSchema, value: unknown, arg: string): void {
  validate(schema, value, arg);
}

function validate(schema: JsonSchema, value: unknown, arg: string): void {
  let v = validators.get(schema);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(schema, v);
  }
  if (v(value)) return;
  const details = (v.errors ?? []).map((e: ErrorObject) => {
    const key =
      e.keyword === 'required'
        ? (e.params as { missingProperty: string }).missingProperty
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : e.instancePath.slice(1).replace(/\//g, '.');
    return { path: [arg, key].filter(Boolean).join('.'), message: e.message ?? 'is invalid' };
  });
  throw new ValidationError(arg ? `Invalid ${arg}` : 'Invalid input', details);
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

type AnyRef = string | object;
// biome-ignore lint/suspicious/noExplicitAny: fields are generated from the model; their types are checked by the model, not by Pothos' generics
type Loose = any;

// What one schema build knows across addons' fragments: the model extensions of the enabled addons
// (their fragments run only for tenants that enabled them) and the object type of each resource's
// model. Field lists are thunks Pothos calls after every fragment ran, so they see all of it.
interface Build {
  active: Set<ModelExtension>;
  types: Map<AnyModel, AnyRef>;
}
const builds = new WeakMap<object, Build>();
function buildOf(b: GraphQLBuilder): Build {
  let s = builds.get(b);
  if (!s) {
    s = { active: new Set(), types: new Map() };
    builds.set(b, s);
  }
  return s;
}

/** Marks extensions as part of this schema (called by the extending addon's fragment). */
export function activateExtensions(b: GraphQLBuilder, exts: readonly ModelExtension[]): void {
  for (const e of exts) buildOf(b).active.add(e);
}

/**
 * Adds the one-to-many relations of a model extension to the extended model's **hand-written**
 * GraphQL type, owned by another addon (crm's `Contact`; a resource's derived type gets them on its
 * own). Call it in the extending addon's `graphql` fragment with the owner's ref from `deps`:
 *
 *   export const contactSales = extendModel(Contact, { relations: { orders: rel.hasMany(() => Order, 'contact') } });
 *   graphql: (b, deps) => { relationFields(b, deps.crm.Contact, contactSales); }
 *
 * Each field is a nullable list of the target resource's type (the target must be a resource of
 * this addon), loaded through the request's DataLoader (a page of N parents: one statement), under
 * the tenant filter, row-level security and the caller's record rules. Without the target's read
 * permission the field is null with a FORBIDDEN error (the parent and its other fields stay). The
 * fragment runs only in schemas of tenants that enabled the extending addon: so do the fields.
 */
export function relationFields(
  b: GraphQLBuilder,
  ref: AnyRef,
  ext: ModelExtension,
  keys: readonly string[] = Object.keys(ext.relations),
): void {
  const build = buildOf(b);
  activateExtensions(b, [ext]);
  for (const key of keys) {
    const def = ext.relations[key];
    if (!def) throw new Error(`relationFields: the extension of ${ext.model.name} has no relation "${key}"`);
    (b as Loose).objectField(ref, key, (t: Loose) => {
      const targetType = build.types.get(def.target());
      if (!targetType) {
        throw new Error(
          `relationFields: ${ext.model.name}.${key} points at ${def.target().name}, which is not a resource of this schema`,
        );
      }
      return t.field({
        type: [targetType],
        nullable: true,
        description: `The ${def.target().name} rows whose \`${def.inverse}\` is this one (null without their read permission)`,
        resolve: (r: Loose, _a: unknown, ctx: RequestContext) => loadHasMany(ctx, ext.model, key, def, r.id),
      });
    });
  }
}

/** Adds a resource's types, queries and mutations to the schema. */
export function resourceGraphql(res: ResourceDef, b: GraphQLBuilder): void {
  const build = buildOf(b);
  // The enabled addons as far as this model is concerned: those whose extensions this schema has.
  const enabledHere = () => new Set([...build.active].map((e) => extensionOwnerOf(e) ?? ''));
  const shapeHere = () => shapeOf(res.model, enabledHere());
  const defs = res.model.fields as Record<string, FieldDef>;
  const ops = new Set(res.operations);
  const enums = new Map<string, AnyRef>();
  const scalarOf = (key: string, def: FieldDef): AnyRef => {
    switch (def.kind) {
      case 'integer':
        return 'Int';
      case 'boolean':
        return 'Boolean';
      case 'decimal':
        return 'Decimal';
      case 'datetime':
        return 'DateTime';
      case 'json':
        return 'JSON';
      case 'uuid':
      case 'ref':
        return 'ID';
      case 'enum': {
        let e = enums.get(key);
        if (!e) {
          e = b.enumType(`${res.type}${pascal(key)}`, { values: [...(def.values ?? [])] as string[] });
          enums.set(key, e);
        }
        return e;
      }
      default:
        return 'String';
    }
  };
  const lb = b as Loose;

  const Type = lb.objectRef(res.type).implement({
    description: `${res.model.name} (derived from the model)`,
    fields: (t: Loose) => {
      const f: Record<string, unknown> = {
        id: t.field({ type: 'ID', resolve: (r: Loose) => r.id }),
        createdAt: t.field({ type: 'DateTime', resolve: (r: Loose) => r.createdAt }),
        updatedAt: t.field({ type: 'DateTime', resolve: (r: Loose) => r.updatedAt }),
        createdBy: t.field({ type: 'ID', nullable: true, resolve: (r: Loose) => r.createdBy }),
      };
      if (res.model.owned) f.ownerId = t.field({ type: 'ID', nullable: true, resolve: (r: Loose) => r.ownerId });
      // One JSON field, not a field per definition: the schema is cached per set of addons.
      if (res.model.customFields) {
        f.custom = t.field({
          type: 'JSON',
          description: 'Custom-field values by key (the ones the caller may see)',
          resolve: (r: Loose, _a: unknown, ctx: RequestContext) => customValuesOf(ctx, res.model, r),
        });
      }
      const shape = shapeHere();
      for (const [key, def] of Object.entries(shape.fields)) {
        f[key] = t.field({ type: scalarOf(key, def), nullable: !def.required, resolve: (r: Loose) => r[key] });
        // A reference is also the referenced row, when its model is a resource of this schema.
        const target = def.kind === 'ref' ? def.target?.() : undefined;
        const targetType = target ? build.types.get(target) : undefined;
        if (target && targetType && !(`${key}Ref` in shape.fields)) {
          f[`${key}Ref`] = t.field({
            type: targetType,
            nullable: true,
            description: `The ${target.name} of \`${key}\` (null when none, or not visible to the caller)`,
            resolve: (r: Loose, _a: unknown, ctx: RequestContext) => (r[key] ? loadRow(ctx, target, r[key]) : null),
          });
        }
      }
      for (const [ids, rel] of manyKeys(res.model)) {
        f[ids] = t.field({
          type: ['ID'],
          description: `Ids of the ${rel} (many-to-many)`,
          resolve: (r: Loose, _a: unknown, ctx: RequestContext) => r[ids] ?? loadManyIds(ctx, res.model, rel, r.id),
        });
      }
      const hasMany: [string, RelationDef][] = [
        ...Object.entries(res.model.relations).filter(([, d]) => d.kind === 'hasMany'),
        ...shape.exts.flatMap((e) => Object.entries(e.relations)),
      ];
      for (const [key, def] of hasMany) {
        const targetType = build.types.get(def.target());
        if (!targetType) continue;
        f[key] = t.field({
          type: [targetType],
          description: `The ${def.target().name} rows whose \`${def.inverse}\` is this one`,
          resolve: (r: Loose, _a: unknown, ctx: RequestContext) => loadHasMany(ctx, res.model, key, def, r.id),
        });
      }
      return f;
    },
  });
  build.types.set(res.model, Type);

  const Page = lb.objectRef(`${res.type}Page`).implement({
    fields: (t: Loose) => ({
      data: t.field({ type: [Type], resolve: (p: Loose) => p.data }),
      total_count: t.int({ nullable: true, resolve: (p: Loose) => p.total_count }),
      limit: t.int({ resolve: (p: Loose) => p.limit }),
      offset: t.int({ resolve: (p: Loose) => p.offset }),
    }),
  });

  const inputFields = (which: 'create' | 'patch') => (t: Loose) => {
    const schema = res.schemasFor(enabledHere())[which];
    const fields = shapeHere().fields;
    const props = (schema as { properties: Record<string, JsonSchema>; required?: string[] }).properties;
    const req = new Set(which === 'create' ? ((schema as { required?: string[] }).required ?? []) : []);
    const out: Record<string, unknown> = {};
    for (const [key, prop] of Object.entries(props)) {
      const def = fields[key];
      const type =
        key === 'custom' && res.model.customFields
          ? 'JSON'
          : def
            ? scalarOf(key, def)
            : prop.type === 'array'
              ? ['ID']
              : 'ID';
      out[key] = t.field({ type, required: req.has(key) });
    }
    return out;
  };
  const CreateInput = ops.has('create')
    ? lb.inputType(`${res.type}CreateInput`, { fields: inputFields('create') })
    : null;
  const PatchInput = ops.has('update') ? lb.inputType(`${res.type}PatchInput`, { fields: inputFields('patch') }) : null;
  // GraphQL passes absent input fields as undefined; JSON Schema wants them absent.
  // Whether the query selects `name` on this field (a fragment counts as yes: it may).
  const selects = (info: GraphQLResolveInfo, name: string) =>
    info.fieldNodes.some((n) =>
      n.selectionSet?.selections.some((sel) => sel.kind !== 'Field' || sel.name.value === name),
    );
  const clean = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

  if (ops.has('list')) {
    lb.queryField(lowerFirst(res.plural), (t: Loose) =>
      t.field({
        type: Page,
        args: {
          limit: t.arg.int({ defaultValue: 50 }),
          offset: t.arg.int({ defaultValue: 0 }),
          sort: t.arg.string(),
          order: t.arg.string(),
          ...(res.search.length ? { q: t.arg.string() } : {}),
          ...Object.fromEntries(res.filters.map((k) => [k, t.arg({ type: scalarOf(k, defs[k] as FieldDef) })])),
        },
        resolve: (_root: unknown, args: Record<string, unknown>, ctx: Loose, info: GraphQLResolveInfo) => {
          const a = clean(args);
          validate(res.schemasFor(ctx.enabledAddons).list, a, 'arguments');
          // Counting is a second statement: only when the query selects total_count.
          return res.list(ctx, { ...a, count: selects(info, 'total_count') } as ListArgs);
        },
      }),
    );
  }
  if (ops.has('get')) {
    lb.queryField(lowerFirst(res.type), (t: Loose) =>
      t.field({
        type: Type,
        args: { id: t.arg.id({ required: true }) },
        resolve: (_r: unknown, args: { id: string }, ctx: Loose) => res.get(ctx, String(args.id)),
      }),
    );
  }
  if (CreateInput) {
    lb.mutationField(`create${res.type}`, (t: Loose) =>
      t.field({
        type: Type,
        args: { input: t.arg({ type: CreateInput, required: true }) },
        resolve: (_r: unknown, args: { input: Record<string, unknown> }, ctx: Loose) => {
          const input = clean(args.input);
          validate(res.schemasFor(ctx.enabledAddons).create, input, 'input');
          return res.create(ctx, input);
        },
      }),
    );
  }
  if (PatchInput) {
    lb.mutationField(`update${res.type}`, (t: Loose) =>
      t.field({
        type: Type,
        args: { id: t.arg.id({ required: true }), input: t.arg({ type: PatchInput, required: true }) },
        resolve: (_r: unknown, args: { id: string; input: Record<string, unknown> }, ctx: Loose) => {
          const input = clean(args.input);
          validate(res.schemasFor(ctx.enabledAddons).patch, input, 'input');
          return res.update(ctx, String(args.id), input);
        },
      }),
    );
  }
  if (ops.has('delete')) {
    lb.mutationField(`delete${res.type}`, (t: Loose) =>
      t.field({
        type: 'Boolean',
        args: { id: t.arg.id({ required: true }) },
        resolve: async (_r: unknown, args: { id: string }, ctx: Loose) => {
          await res.remove(ctx, String(args.id));
          return true;
        },
      }),
    );
  }
}
