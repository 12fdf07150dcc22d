import { type AnyModel, type FieldDef, modelColumns } from '../model.ts';

/** The key of a many-to-many relation's id list on the APIs: `labels` → `labelIds`. */
export function idsKey(relation: string): string {
  return `${relation.endsWith('s') ? relation.slice(0, -1) : relation}Ids`;
}

/** Many-to-many relations of a model, as their id-list keys. */
export function manyKeys(model: AnyModel): [key: string, relation: string][] {
  return Object.entries(model.relations)
    .filter(([, r]) => r.kind === 'many')
    .map(([k]) => [idsKey(k), k]);
}

/** At most this many ids in one id list (a write replaces the whole set). */
const MAX_IDS = 1000;

import type { JsonSchema } from '../rest.ts';

// JSON Schemas derived from a model: the one source for request validation (REST and GraphQL
// inputs go through the same ajv schemas), response shapes and the OpenAPI document.

const UUID = { type: 'string', format: 'uuid' } as const;
const DATETIME = { type: 'string', format: 'date-time' } as const;
const DECIMAL = { type: 'string', pattern: '^-?\\d{1,18}(\\.\\d{1,8})?$' } as const;

/** The JSON Schema of one field's value (without null). */
export function fieldSchema(def: FieldDef): JsonSchema {
  switch (def.kind) {
    case 'string':
      return { type: 'string', maxLength: def.max ?? 255 };
    case 'text':
      return { type: 'string', maxLength: 100_000 };
    case 'integer':
      return { type: 'integer', minimum: -2_147_483_648, maximum: 2_147_483_647 };
    case 'decimal':
      return { ...DECIMAL };
    case 'boolean':
      return { type: 'boolean' };
    case 'datetime':
      return { ...DATETIME };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'json':
      return {};
    case 'uuid':
    case 'ref':
      return { ...UUID };
    case 'enum':
      return { type: 'string', enum: [...(def.values ?? [])] };
  }
}

/** Null allowed too, in one keyword (an anyOf would report every branch as a separate error). */
function nullable(s: JsonSchema, required: boolean): JsonSchema {
  if (required || s.type === undefined) return s;
  return { ...s, type: [s.type, 'null'], ...(Array.isArray(s.enum) ? { enum: [...s.enum, null] } : {}) };
}

/** Field definitions: the model's own, or the model's plus a tenant's extensions. */
type Defs = Readonly<Record<string, FieldDef>>;

function fields(model: AnyModel, defs?: Defs): [string, FieldDef][] {
  return Object.entries(defs ?? model.fields) as [string, FieldDef][];
}

/** Custom-field values by key: checked against the tenant's definitions by ctx.customFields (422). */
const CUSTOM: JsonSchema = { type: 'object', description: "custom-field values by key (the tenant's definitions)" };

const idList = () => ({ type: 'array', items: { ...UUID }, maxItems: MAX_IDS, uniqueItems: true });

/** A stored row as the APIs return it (references as ids; many-to-many relations as id lists). */
export function rowSchema(model: AnyModel, defs?: Defs): JsonSchema {
  const properties: Record<string, JsonSchema> = {
    id: { ...UUID },
    createdAt: { ...DATETIME },
    updatedAt: { ...DATETIME },
    createdBy: nullable({ ...UUID }, false),
  };
  if (model.owned) properties.ownerId = nullable({ ...UUID }, false);
  for (const [key, def] of fields(model, defs)) properties[key] = nullable(fieldSchema(def), def.required);
  for (const [key] of manyKeys(model)) properties[key] = idList();
  if (model.customFields) properties.custom = { ...CUSTOM };
  const required = [...new Set([...modelColumns(model).keys(), ...Object.keys(defs ?? {})])];
  // The title names the row in the OpenAPI document's components (`CrmContact`, `JournalEntry`).
  return { title: schemaTitle(model), type: 'object', properties, required, additionalProperties: false };
}

/** What a create accepts: required fields without a default must be given; no unknown keys. */
export function createSchema(model: AnyModel, readOnly: readonly string[] = [], defs?: Defs): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [key, def] of fields(model, defs)) {
    if (readOnly.includes(key)) continue;
    const value = fieldSchema(def);
    // A required text is not given by an empty one (a ticket without a subject is no ticket).
    if (def.required && (def.kind === 'string' || def.kind === 'text')) value.minLength = 1;
    properties[key] = nullable(value, def.required);
    if (def.required && def.defaultSql === undefined) required.push(key);
  }
  for (const [key] of manyKeys(model)) if (!readOnly.includes(key)) properties[key] = idList();
  if (model.owned) properties.ownerId = { ...UUID };
  if (model.customFields) properties.custom = { ...CUSTOM };
  return { type: 'object', properties, required, additionalProperties: false };
}

/** What an update accepts: any writable field, at least one. */
export function patchSchema(model: AnyModel, readOnly: readonly string[] = [], defs?: Defs): JsonSchema {
  const { properties } = createSchema(model, readOnly, defs) as { properties: Record<string, JsonSchema> };
  return { type: 'object', properties, minProperties: 1, additionalProperties: false };
}

/** The name a model's row schema is published under: PascalCase of the model name (`crm.contact` → `CrmContact`). */
export function schemaTitle(model: AnyModel): string {
  return model.name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}
