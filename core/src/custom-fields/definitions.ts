import {
  type AnyAddon,
  type AnyModel,
  CUSTOM_FIELD_KEY,
  type CustomFieldDef,
  type CustomFieldType,
  NotFoundError,
  ValidationError,
} from '@elevate/sdk';
import { bodyValidator } from './validators.ts';
import { valueSchema } from './value-schema.ts';

// A tenant's custom-field definitions (core_custom_field, core-0020). Every statement names the
// tenant (first line of defence; forced row-level security is the last).

export const CUSTOM_FIELDS_MANAGE = 'core.customfields.manage';

export interface CfDb {
  readonly tenantId: string;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

const COLUMNS = `id, model, key, label, help_text as "helpText", type, required, default_value as "defaultValue",
  options, link_model as "linkModel", visible_to as "visibleTo", filterable, position,
  archived_at is not null as archived, created_at as "createdAt", updated_at as "updatedAt"`;

/** Every definition of a model, archived ones included, in order. */
export async function definitionsOf(db: CfDb, model: string): Promise<CustomFieldDef[]> {
  return db.query<CustomFieldDef>(
    `select ${COLUMNS} from core_custom_field where tenant_id = $1 and model = $2 order by position, created_at, id`,
    [db.tenantId, model],
  );
}

/** The models that opted in, among the addons given (the enabled ones). */
export function optedInModels(addons: Iterable<AnyAddon>): Map<string, AnyModel> {
  const out = new Map<string, AnyModel>();
  for (const a of addons) for (const m of a.models) if (m.customFields) out.set(m.name, m);
  return out;
}

export interface DefinitionInput {
  model?: string;
  key?: string;
  label?: string;
  helpText?: string | null;
  type?: CustomFieldType;
  required?: boolean;
  defaultValue?: unknown;
  options?: { id?: string; label: string }[];
  linkModel?: string | null;
  visibleTo?: string[] | null;
  filterable?: boolean;
  position?: number;
  archived?: boolean;
}

const optionId = (label: string, taken: Set<string>) => {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 30) || 'option';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}_${i}`;
  taken.add(id);
  return id;
};

/** Option ids are kept when given (stable), made from the label when new. */
function cleanOptions(type: CustomFieldType, given: DefinitionInput['options'], before: CustomFieldDef | null) {
  if (type !== 'select' && type !== 'multiselect') return [];
  const list = given ?? before?.options ?? [];
  if (!list.length)
    throw new ValidationError('Invalid custom field', [{ path: 'options', message: 'needs at least one option' }]);
  const taken = new Set(list.map((o) => o.id).filter((id): id is string => !!id));
  if (taken.size !== list.filter((o) => o.id).length)
    throw new ValidationError('Invalid custom field', [{ path: 'options', message: 'option ids must be unique' }]);
  return list.map((o) => ({ id: o.id ?? optionId(o.label, taken), label: o.label.trim() }));
}

const bad = (path: string, message: string) => new ValidationError('Invalid custom field', [{ path, message }]);

/** Checks a definition (new or changed) against the opted-in models and the tenant's roles. */
async function check(
  db: CfDb,
  models: ReadonlyMap<string, AnyModel>,
  def: Omit<CustomFieldDef, 'id' | 'createdAt' | 'updatedAt' | 'archived'>,
): Promise<void> {
  if (!models.has(def.model)) throw bad('model', `${def.model} does not take custom fields`);
  if (def.type === 'link' && (!def.linkModel || !models.has(def.linkModel)))
    throw bad('linkModel', 'must be a model that takes custom fields');
  if (def.visibleTo) {
    const rows = await db.query<{ key: string }>('select key from core_role where tenant_id = $1 and key = any($2)', [
      db.tenantId,
      def.visibleTo,
    ]);
    const known = new Set(rows.map((r) => r.key));
    const unknown = def.visibleTo.find((k) => !known.has(k));
    if (unknown) throw bad('visibleTo', `no role "${unknown}"`);
  }
  if (def.defaultValue !== null && def.defaultValue !== undefined) {
    const v = bodyValidator(valueSchema(def as CustomFieldDef));
    const errors = v(def.defaultValue);
    if (errors) throw bad('defaultValue', errors);
  }
}

export async function createDefinition(
  db: CfDb,
  models: ReadonlyMap<string, AnyModel>,
  input: DefinitionInput,
): Promise<CustomFieldDef> {
  const key = input.key as string;
  if (!CUSTOM_FIELD_KEY.test(key)) throw bad('key', 'must be lowercase letters, digits and _ (starting with a letter)');
  const type = input.type as CustomFieldType;
  const def = {
    model: input.model as string,
    key,
    label: (input.label as string).trim(),
    helpText: input.helpText?.trim() || null,
    type,
    required: input.required ?? false,
    defaultValue: (input.defaultValue ?? null) as CustomFieldDef['defaultValue'],
    options: cleanOptions(type, input.options, null),
    linkModel: type === 'link' ? (input.linkModel ?? null) : null,
    visibleTo: input.visibleTo ?? null,
    filterable: input.filterable ?? false,
    position: input.position ?? 0,
  };
  await check(db, models, def);
  const taken = await db.query('select 1 from core_custom_field where tenant_id = $1 and model = $2 and key = $3', [
    db.tenantId,
    def.model,
    key,
  ]);
  if (taken.length) throw bad('key', `${def.model} already has a field "${key}" (keys stay taken when archived)`);
  const position =
    input.position ??
    (
      await db.query<{ n: number }>(
        'select coalesce(max(position) + 1, 0)::int as n from core_custom_field where tenant_id = $1 and model = $2',
        [db.tenantId, def.model],
      )
    )[0]?.n ??
    0;
  const [row] = await db.query<CustomFieldDef>(
    `insert into core_custom_field (tenant_id, model, key, label, help_text, type, required, default_value, options,
       link_model, visible_to, filterable, position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning ${COLUMNS}`,
    [
      db.tenantId,
      def.model,
      key,
      def.label,
      def.helpText,
      type,
      def.required,
      def.defaultValue === null ? null : JSON.stringify(def.defaultValue),
      JSON.stringify(def.options),
      def.linkModel,
      def.visibleTo,
      def.filterable,
      position,
    ],
  );
  return row as CustomFieldDef;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function getDefinition(db: CfDb, id: string): Promise<CustomFieldDef> {
  if (!UUID.test(id)) throw new NotFoundError('Custom field');
  const rows = await db.query<CustomFieldDef>(
    `select ${COLUMNS} from core_custom_field where tenant_id = $1 and id = $2`,
    [db.tenantId, id],
  );
  if (!rows[0]) throw new NotFoundError('Custom field');
  return rows[0];
}

/** Changes what a field looks like and who sees it; `model`, `key` and `type` never change. */
export async function updateDefinition(
  db: CfDb,
  models: ReadonlyMap<string, AnyModel>,
  id: string,
  input: DefinitionInput,
): Promise<CustomFieldDef> {
  const before = await getDefinition(db, id);
  for (const k of ['model', 'key', 'type'] as const) {
    if (input[k] !== undefined && input[k] !== before[k]) throw bad(k, 'cannot change (stored values depend on it)');
  }
  const next = {
    ...before,
    ...(input.label !== undefined ? { label: input.label.trim() } : {}),
    ...(input.helpText !== undefined ? { helpText: input.helpText?.trim() || null } : {}),
    ...(input.required !== undefined ? { required: input.required } : {}),
    ...(input.defaultValue !== undefined ? { defaultValue: input.defaultValue as CustomFieldDef['defaultValue'] } : {}),
    ...(input.linkModel !== undefined && before.type === 'link' ? { linkModel: input.linkModel } : {}),
    ...(input.visibleTo !== undefined ? { visibleTo: input.visibleTo } : {}),
    ...(input.filterable !== undefined ? { filterable: input.filterable } : {}),
    ...(input.position !== undefined ? { position: input.position } : {}),
    options: input.options ? cleanOptions(before.type, input.options, before) : before.options,
  };
  // Options in use are kept: an option id that went would orphan stored values.
  if (input.options) {
    const ids = new Set(next.options.map((o) => o.id));
    const gone = before.options.find((o) => !ids.has(o.id));
    if (gone) throw bad('options', `option "${gone.id}" cannot be removed (stored values use its id); rename it`);
  }
  await check(db, models, next);
  const archived = input.archived ?? before.archived;
  const [row] = await db.query<CustomFieldDef>(
    `update core_custom_field set label = $3, help_text = $4, required = $5, default_value = $6, options = $7,
       link_model = $8, visible_to = $9, filterable = $10, position = $11,
       archived_at = case when $12::boolean then coalesce(archived_at, now()) else null end, updated_at = clock_timestamp()
     where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
    [
      db.tenantId,
      id,
      next.label,
      next.helpText,
      next.required,
      next.defaultValue === null ? null : JSON.stringify(next.defaultValue),
      JSON.stringify(next.options),
      next.linkModel,
      next.visibleTo,
      next.filterable,
      next.position,
      archived,
    ],
  );
  return row as CustomFieldDef;
}

/** Puts a model's fields in the given order (ids not named keep their place after them). */
export async function reorderDefinitions(db: CfDb, model: string, ids: readonly string[]): Promise<CustomFieldDef[]> {
  const all = await definitionsOf(db, model);
  const known = new Set(all.map((d) => d.id));
  const unknown = ids.find((id) => !known.has(id));
  if (unknown) throw new NotFoundError('Custom field');
  const order = [...ids, ...all.map((d) => d.id).filter((id) => !ids.includes(id))];
  await db.query(
    `update core_custom_field d set position = o.n - 1, updated_at = clock_timestamp()
     from unnest($2::uuid[]) with ordinality as o(id, n) where d.tenant_id = $1 and d.id = o.id and d.position <> o.n - 1`,
    [db.tenantId, order],
  );
  return definitionsOf(db, model);
}
