import {
  type ActionStep,
  type AnyAction,
  type AnyAddon,
  type AnyModel,
  type FieldDef,
  fieldColumn,
  type JsonSchema,
  type ServerMessages,
  samplePayload,
  serverMessages,
  type TriggerDef,
  type TriggerSpec,
} from '@elevate/sdk';
import { declaredText } from '../i18n/declared.ts';
import { flatten } from './plan.ts';

/** The core's own actions and triggers in other languages (./messages: `action.<name>.title` ...). */
const coreMessages = serverMessages(new URL('./messages/', import.meta.url));
/** A text of the automation catalogue (a step's test-run summary, ...) in `language`. */
export const automationText = (
  language: string | null | undefined,
  key: string,
  values?: Record<string, string | number>,
) => coreMessages.text(language, key, values);

/**
 * A params schema with its properties' titles and descriptions in `language`
 * (`<prefix>.param.<key>.title|description` in the declaring addon's catalogue).
 */
function localizedParams(
  schema: JsonSchema,
  prefix: string,
  messages: ServerMessages | null,
  language: string | null | undefined,
): JsonSchema {
  const props = (schema as { properties?: Record<string, Record<string, unknown>> }).properties;
  if (!props || !messages) return schema;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, prop] of Object.entries(props)) {
    const p = { ...prop };
    for (const attr of ['title', 'description'] as const) {
      if (typeof p[attr] === 'string')
        p[attr] = declaredText(messages, language, `${prefix}.param.${key}.${attr}`, p[attr]);
    }
    out[key] = p;
  }
  return { ...schema, properties: out } as JsonSchema;
}

/** The engine's own triggers: record changes of any model, schedules, inbound calls. */
export const RECORD_EVENTS = {
  created: 'core.record.created',
  updated: 'core.record.updated',
  deleted: 'core.record.deleted',
} as const;

export interface CatalogEntry<D> {
  def: D;
  /** The addon declaring it; null for the core's own. */
  addon: string | null;
}

export interface ModelInfo {
  model: AnyModel;
  addon: string;
  /** Column name → field key (`owner_id` → `ownerId`, `stage_id` → `stage`). */
  fieldOf: ReadonlyMap<string, string>;
}

/** Every trigger and action installed, and which addon each needs (see `pausedReason`). */
export class Catalog {
  readonly actions = new Map<string, CatalogEntry<AnyAction>>();
  readonly triggers = new Map<string, CatalogEntry<TriggerDef>>();
  readonly models = new Map<string, ModelInfo>();
  readonly modelsByTable = new Map<string, ModelInfo>();
  /** Each addon's server catalogue (null: none), for the titles in the reader's language. */
  private readonly messagesOf = new Map<string | null, ServerMessages | null>([[null, coreMessages]]);

  constructor(
    addons: readonly AnyAddon[],
    coreActions: readonly AnyAction[],
    coreTriggers: readonly TriggerDef[] = [],
  ) {
    for (const a of coreActions) this.actions.set(a.name, { def: a, addon: null });
    for (const t of coreTriggers) this.triggers.set(t.name, { def: t, addon: null });
    for (const addon of addons) {
      this.messagesOf.set(addon.id, addon.messages);
      for (const w of addon.workflows) {
        if (w.kind === 'action') this.actions.set(w.name, { def: w as AnyAction, addon: addon.id });
        else this.triggers.set(w.name, { def: w as TriggerDef, addon: addon.id });
      }
      for (const model of addon.models) {
        const fieldOf = new Map<string, string>([
          ['id', 'id'],
          ['created_at', 'createdAt'],
          ['updated_at', 'updatedAt'],
          ['created_by', 'createdBy'],
          ['owner_id', 'ownerId'],
        ]);
        for (const [key, def] of Object.entries(model.fields)) fieldOf.set(fieldColumn(key, def as FieldDef), key);
        const info = { model, addon: addon.id, fieldOf };
        this.models.set(model.name, info);
        this.modelsByTable.set(model.table, info);
      }
    }
  }

  /** Why a rule cannot run for a tenant with these addons enabled (null: it can). */
  pausedReason(trigger: TriggerSpec, actions: readonly ActionStep[], enabled: ReadonlySet<string>): string | null {
    const missing = (addon: string | null) => addon !== null && !enabled.has(addon);
    if (trigger.type === 'event') {
      const t = this.triggers.get(trigger.event);
      if (!t) return `Paused: the trigger "${trigger.event}" is not installed`;
      if (missing(t.addon))
        return `Paused: the trigger "${trigger.event}" needs the addon "${t.addon}", which is disabled`;
    }
    if (trigger.type === 'record' || trigger.type === 'date') {
      const m = this.models.get(trigger.model);
      if (!m) return `Paused: the model "${trigger.model}" is not installed`;
      if (missing(m.addon))
        return `Paused: the model "${trigger.model}" needs the addon "${m.addon}", which is disabled`;
    }
    for (const e of flatten(actions)) {
      if (e.kind !== 'action') continue;
      const a = this.actions.get(e.action);
      if (!a) return `Paused: the action "${e.action}" is not installed`;
      if (missing(a.addon)) return `Paused: the action "${e.action}" needs the addon "${a.addon}", which is disabled`;
    }
    return null;
  }

  /** What a tenant with these addons enabled may build rules from (the builder's pickers). */
  /** What the rule builder offers a tenant, titled in `language` where the declaring addon's catalogue says so. */
  forTenant(enabled: ReadonlySet<string>, language?: string | null) {
    const on = (addon: string | null) => addon === null || enabled.has(addon);
    const text = (addon: string | null, key: string, english: string | undefined) =>
      english === undefined ? undefined : declaredText(this.messagesOf.get(addon), language, key, english);
    const fields = (m: AnyModel) =>
      Object.entries(m.fields).map(([key, def]) => ({
        key,
        kind: (def as { kind: string }).kind,
        ...((def as { values?: readonly string[] }).values ? { values: (def as { values: string[] }).values } : {}),
      }));
    return {
      triggers: [...this.triggers.values()]
        .filter((t) => on(t.addon))
        .map((t) => ({
          name: t.def.name,
          title: text(t.addon, `trigger.${t.def.name}.title`, t.def.title),
          description: text(t.addon, `trigger.${t.def.name}.description`, t.def.description),
          addon: t.addon,
          payload: t.def.payload,
          // A payload that fits the schema (its examples where it has them): the test run's starting point.
          sample: samplePayload(t.def.payload),
          model: t.def.model?.name ?? null,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      actions: [...this.actions.values()]
        .filter((a) => on(a.addon))
        .map((a) => ({
          name: a.def.name,
          title: text(a.addon, `action.${a.def.name}.title`, a.def.title),
          description: text(a.addon, `action.${a.def.name}.description`, a.def.description),
          addon: a.addon,
          params: localizedParams(a.def.params, `action.${a.def.name}`, this.messagesOf.get(a.addon) ?? null, language),
          result: a.def.result,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
      models: [...this.models.values()]
        .filter((m) => on(m.addon))
        .map((m) => ({ name: m.model.name, addon: m.addon, owned: m.model.owned, fields: fields(m.model) }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
  }
}

/** The variables of a record trigger's payload (values are read from `record.*`). */
export const RECORD_PAYLOAD: JsonSchema = {
  type: 'object',
  properties: {
    table: { type: 'string' },
    recordId: { type: 'string' },
    changes: { type: 'array', items: { type: 'string' } },
  },
};
