import { CUSTOM_FIELD_TYPES, type JsonSchema } from '@elevate/sdk';
import type Router from '@koa/router';
import { outboxPublisher } from '../events/outbox.ts';
import type { KernelRouteDoc } from '../http/kernel-routes.docs.ts';
import type { State } from '../http/state.ts';
import { compileBody, compileQuery } from '../http/validate.ts';
import type { Runtime } from '../runtime.ts';
import {
  CUSTOM_FIELDS_MANAGE,
  createDefinition,
  type DefinitionInput,
  definitionsOf,
  optedInModels,
  reorderDefinitions,
  updateDefinition,
} from './definitions.ts';
import { indexJobRef } from './indexes.ts';

const MODEL: JsonSchema = { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$', maxLength: 64 };
const OPTION: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9_]{1,40}$' },
    label: { type: 'string', minLength: 1, maxLength: 120 },
  },
};
const FIELDS: Record<string, JsonSchema> = {
  model: MODEL,
  key: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'stable id of the values; never changes' },
  label: { type: 'string', minLength: 1, maxLength: 120 },
  helpText: { type: 'string', maxLength: 500, nullable: true },
  type: { enum: [...CUSTOM_FIELD_TYPES] },
  required: { type: 'boolean' },
  defaultValue: { description: 'a value of the field type, or null' },
  options: { type: 'array', items: OPTION, maxItems: 200 },
  linkModel: { ...MODEL, nullable: true },
  visibleTo: {
    type: 'array',
    items: { type: 'string', maxLength: 64 },
    maxItems: 50,
    nullable: true,
    description: 'role keys that see the value; null: everyone who can read the record',
  },
  filterable: { type: 'boolean', description: 'the platform keeps an expression index for it' },
  position: { type: 'integer', minimum: 0, maximum: 10_000 },
  archived: { type: 'boolean' },
};
const { archived: _a, ...createFields } = FIELDS;
const CREATE: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'key', 'label', 'type'],
  properties: createFields,
};
const PATCH: JsonSchema = { type: 'object', additionalProperties: false, properties: FIELDS };
const ORDER: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model', 'ids'],
  properties: { model: MODEL, ids: { type: 'array', items: { type: 'string', format: 'uuid' }, maxItems: 500 } },
};
const DEF: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    ...FIELDS,
    options: {
      type: 'array',
      items: { type: 'object', properties: { id: { type: 'string' }, label: { type: 'string' } } },
    },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
};
const LIST_QUERY = compileQuery({
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: { model: MODEL, archived: { type: 'boolean', default: false } },
});
const list = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  properties: { data: { type: 'array', items: item }, total_count: { type: 'integer' } },
});

export const customFieldRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/custom-fields/models': {
    summary: 'The models of enabled addons that take custom fields',
    responses: { 200: list({ type: 'object', properties: { model: MODEL, addon: { type: 'string' } } }) },
  },
  'GET /api/v1/core/custom-fields': {
    summary:
      "A model's custom fields the caller may see, in order (archived=true: also archived ones, for core.customfields.manage)",
    responses: { 200: list(DEF) },
  },
  'POST /api/v1/core/custom-fields': {
    summary: 'Add a custom field to a model (key: a stable id, lowercase; values are stored under it)',
    permission: CUSTOM_FIELDS_MANAGE,
    body: CREATE,
    responses: { 201: DEF },
  },
  'PATCH /api/v1/core/custom-fields/:id': {
    summary: 'Change a custom field (label, help, options, who sees it, filterable, archived); key and type stay',
    permission: CUSTOM_FIELDS_MANAGE,
    body: PATCH,
    responses: { 200: DEF },
  },
  'PUT /api/v1/core/custom-fields/order': {
    summary: "Reorder a model's custom fields",
    permission: CUSTOM_FIELDS_MANAGE,
    body: ORDER,
    responses: { 200: list(DEF) },
  },
};

const createBody = compileBody(CREATE);
const patchBody = compileBody(PATCH);
const orderBody = compileBody(ORDER);

/** Custom-field definitions under /api/v1/core/custom-fields. */
export function customFieldRoutes(r: Router<State>, rt: Runtime): void {
  const req = (s: State, manage = false) => {
    if (!s.rc || !s.tx) throw new Error('custom-field route without request context');
    if (manage) s.rc.require(CUSTOM_FIELDS_MANAGE);
    const enabled = [...s.rc.enabledAddons].flatMap((id) => rt.addonsById.get(id) ?? []);
    return { rc: s.rc, tx: s.tx, models: optedInModels(enabled) };
  };
  // The index job goes through the outbox: written in this transaction, run after it commits.
  const reindex = (s: State) =>
    outboxPublisher(s.tx as never, s.rc?.user.id ?? null, rt.wakeRelay).enqueue(indexJobRef, {});

  r.get('/custom-fields/models', async (ctx) => {
    const { models } = req(ctx.state);
    const data = [...models.values()].map((m) => ({ model: m.name, addon: m.name.split('.')[0] }));
    ctx.body = { data, total_count: data.length };
  });

  r.get('/custom-fields', async (ctx) => {
    const { rc, tx, models } = req(ctx.state);
    const q = LIST_QUERY({ ...ctx.query }) as { model: string; archived: boolean };
    let data: unknown[] = [];
    if (models.has(q.model) && rc.customFields.accepts(q.model)) {
      data =
        q.archived && rc.can(CUSTOM_FIELDS_MANAGE)
          ? await definitionsOf(tx, q.model)
          : [...(await rc.customFields.fields(q.model))];
    }
    ctx.body = { data, total_count: data.length };
  });

  r.post('/custom-fields', async (ctx) => {
    const { tx, models } = req(ctx.state, true);
    const def = await createDefinition(tx, models, createBody(ctx.request.body) as DefinitionInput);
    if (def.filterable) await reindex(ctx.state);
    ctx.status = 201;
    ctx.body = def;
  });

  r.put('/custom-fields/order', async (ctx) => {
    const { tx } = req(ctx.state, true);
    const body = orderBody(ctx.request.body) as { model: string; ids: string[] };
    const data = await reorderDefinitions(tx, body.model, body.ids);
    ctx.body = { data, total_count: data.length };
  });

  r.patch('/custom-fields/:id', async (ctx) => {
    const { tx, models } = req(ctx.state, true);
    const input = patchBody(ctx.request.body) as DefinitionInput;
    const def = await updateDefinition(tx, models, ctx.params.id as string, input);
    if (input.filterable !== undefined || input.archived !== undefined) await reindex(ctx.state);
    ctx.body = def;
  });
}
