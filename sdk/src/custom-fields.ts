import type { LoaderFactory } from './context.ts';
import { AppError, type ErrorDetail } from './errors.ts';
import type { AnyModel } from './model.ts';
import type { JsonSchema } from './rest.ts';

// Custom fields: fields a tenant admin adds to a model without code. A model opts in with
// `defineModel({ customFields: true })`: its table gets one `custom jsonb` column, and the
// platform validates, filters, sorts and hides values per the tenant's definitions
// (core_custom_field). Values are keyed by the definition's `key`, a stable id chosen once:
// renaming the label never touches stored data.

export const CUSTOM_FIELD_TYPES = [
  'text',
  'number',
  'money',
  'date',
  'select',
  'multiselect',
  'checkbox',
  'link',
  'url',
  'email',
  'phone',
] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

/** A definition's key: lowercase, starts with a letter; it is written into SQL as a literal. */
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

export interface CustomFieldOption {
  /** Stable id stored in values (renaming the label keeps the data). */
  id: string;
  label: string;
}

/** One custom field of a model, as the tenant defined it. */
export interface CustomFieldDef {
  id: string;
  model: string;
  key: string;
  label: string;
  helpText: string | null;
  type: CustomFieldType;
  required: boolean;
  /** Written on create when the input leaves the field out. Same shape as a value. */
  defaultValue: CustomFieldValue | null;
  /** select / multiselect: the choices. */
  options: CustomFieldOption[];
  /** link: the model a value points to (`crm.contact`). */
  linkModel: string | null;
  /** Role keys that see and write the value; null: everyone who can read the record. */
  visibleTo: string[] | null;
  /** The platform keeps an expression index for it (and lists may filter on it cheaply). */
  filterable: boolean;
  position: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Money: an exact decimal amount and its ISO 4217 currency; never a float. */
export interface CustomMoney {
  amount: string;
  currency: string;
}
export type CustomFieldValue = string | boolean | string[] | CustomMoney;

/** A custom-field filter: `custom.<key>` (eq), `custom.<key>.gte`, `.lte`, `.contains`, `.empty`. */
export interface CustomFieldFilter {
  key: string;
  op: 'eq' | 'gte' | 'lte' | 'contains' | 'empty';
  value: string;
}

export const CUSTOM_FILTER_OPS = ['eq', 'gte', 'lte', 'contains', 'empty'] as const;

/** Bad custom-field values: 422, each detail names `custom.<key>`. */
export class CustomFieldError extends AppError {
  constructor(details: ErrorDetail[]) {
    super('CUSTOM_FIELD_INVALID', details.map((d) => `${d.path}: ${d.message}`).join('; '), {
      status: 422,
      details,
    });
  }
}

/** The SQL of filters and sort on custom fields, for hand-written list queries. */
export interface CustomFieldSql {
  /** WHERE fragments (alias `t` by default); every value goes through `add` as a parameter. */
  where(filters: readonly CustomFieldFilter[]): string[];
  /** An ORDER BY term for `custom.<key>`, `-custom.<key>` (null: not a custom sort key). */
  orderBy(sort: string): string | null;
}

/** What `ctx.customFields` offers an addon for its opted-in models. */
export interface CustomFields {
  /** Whether the model takes custom fields for this tenant (opted in, its addon enabled). */
  accepts(model: AnyModel | string): boolean;
  /**
   * The model's active definitions the caller may see, in order (system contexts see all).
   * Cheap after the first call in a request.
   */
  fields(model: AnyModel | string): Promise<readonly CustomFieldDef[]>;
  /**
   * Validates a create's or a patch's `custom` object against the tenant's definitions (ajv,
   * compiled per tenant and model, recompiled when a definition changes) and returns the
   * document to store: `existing` (the stored one, null on create) with the input laid over it,
   * defaults filled on create, `null` clearing a key. Keys the caller may not see are refused as
   * unknown; their stored values are kept. Throws CustomFieldError (422) naming `custom.<key>`.
   */
  prepare(
    model: AnyModel | string,
    input: unknown,
    existing: Readonly<Record<string, unknown>> | null,
  ): Promise<Record<string, unknown>>;
  /**
   * The stored documents of these rows (every key, for \`prepare\`'s \`existing\`): one statement.
   * Never hand these to a client; \`values\` gives what the caller may see.
   */
  stored(model: AnyModel | string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /** What the caller may see of these rows' values (one statement); rows without values get \`{}\`. */
  values(model: AnyModel | string, ids: readonly string[]): Promise<Map<string, Record<string, unknown>>>;
  /** A function giving the part of a stored document the caller may see. */
  reader(model: AnyModel | string): Promise<(doc: unknown) => Record<string, unknown>>;
  /** Filters and sort on custom fields in SQL; unknown or hidden keys are a 422 naming them. */
  sql(model: AnyModel | string, add: (value: unknown) => string, alias?: string): Promise<CustomFieldSql>;
}

const FILTER_PARAM = /^custom\.([a-z][a-z0-9_]{0,39})(?:\.(gte|lte|contains|empty))?$/;

/** Takes `custom.*` keys out of a (validated) query object: the filters, and the rest. */
export function customFiltersOf(query: Record<string, unknown>): {
  filters: CustomFieldFilter[];
  rest: Record<string, unknown>;
} {
  const filters: CustomFieldFilter[] = [];
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    const m = FILTER_PARAM.exec(k);
    if (!m) rest[k] = v;
    else if (v !== undefined) {
      filters.push({ key: m[1] as string, op: (m[2] ?? 'eq') as CustomFieldFilter['op'], value: String(v) });
    }
  }
  return { filters, rest };
}

/** JSON Schema fragment for list query strings: `custom.<key>[.op]=<value>`. */
export const customFilterQueryProperties: JsonSchema = {
  '^custom\\.[a-z][a-z0-9_]{0,39}(\\.(gte|lte|contains|empty))?$': { type: 'string', maxLength: 500 },
};

/** Sort keys a list accepts besides its own: `custom.<key>` and `-custom.<key>`. */
export const CUSTOM_SORT = '^-?custom\\.[a-z][a-z0-9_]{0,39}$';

/** Whether a model opted in to custom fields. */
export const hasCustomFields = (model: AnyModel): boolean => model.customFields === true;

/** A value as one CSV cell or a text input shows it: option labels, `1250.00 EUR`, `true`. */
export function customFieldText(def: Pick<CustomFieldDef, 'type' | 'options'>, value: unknown): string {
  if (value === null || value === undefined) return '';
  const label = (id: unknown) => def.options.find((o) => o.id === id)?.label ?? String(id);
  switch (def.type) {
    case 'money': {
      const m = value as CustomMoney;
      return `${m.amount} ${m.currency}`;
    }
    case 'select':
      return label(value);
    case 'multiselect':
      return (Array.isArray(value) ? value : []).map(label).join('; ');
    case 'checkbox':
      return value ? 'true' : 'false';
    default:
      return String(value);
  }
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '']);

/**
 * Text (a CSV cell) → a value of the field's type, the inverse of customFieldText: options by
 * label or id (ignoring case), money as `1250.00 EUR` or `EUR 1250.00`, checkboxes as
 * yes/no/true/false/1/0. What does not parse is kept as text, so validation names the field.
 */
export function parseCustomFieldText(def: Pick<CustomFieldDef, 'type' | 'options'>, text: string): unknown {
  const s = text.trim();
  if (s === '') return null;
  const option = (t: string) => {
    const low = t.trim().toLowerCase();
    return def.options.find((o) => o.id === low || o.label.toLowerCase() === low)?.id ?? t.trim();
  };
  switch (def.type) {
    case 'number':
      return s.replace(/[\s,_](?=\d{3}\b)/g, '');
    case 'money': {
      const m = /^([A-Za-z]{3})\s*(-?[\d.,]+)$|^(-?[\d.,]+)\s*([A-Za-z]{3})$/.exec(s);
      if (!m) return s;
      const amount = (m[2] ?? m[3] ?? '').replace(/,(?=\d{3}\b)/g, '');
      return { amount, currency: (m[1] ?? m[4] ?? '').toUpperCase() };
    }
    case 'select':
      return option(s);
    case 'multiselect':
      return [
        ...new Set(
          s
            .split(/[;|]/)
            .filter((t) => t.trim())
            .map(option),
        ),
      ];
    case 'checkbox': {
      const low = s.toLowerCase();
      return TRUE.has(low) ? true : FALSE.has(low) ? false : s;
    }
    default:
      return s;
  }
}

/**
 * A row's visible custom values for a GraphQL resolver: what a list already read (`row.custom`,
 * narrowed by the list), else one batched statement per request for all rows asked.
 */
export function customValuesOf(
  ctx: LoaderFactory & { customFields: CustomFields },
  model: AnyModel,
  row: { id: string; custom?: unknown },
): Promise<Record<string, unknown>> | Record<string, unknown> {
  if (row.custom && typeof row.custom === 'object') return row.custom as Record<string, unknown>;
  return ctx
    .loader<string, Record<string, unknown>>(`custom:${model.name}`, async (ids) => {
      const m = await ctx.customFields.values(model, ids);
      return ids.map((id) => m.get(id) ?? {});
    })
    .load(row.id);
}
