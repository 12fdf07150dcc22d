import { type CustomFieldDef, type ErrorDetail, type JsonSchema, validationMessage } from '@elevate/sdk';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { knownCurrency, PATTERN_MESSAGES, valueSchema } from './value-schema.ts';

// One ajv instance for custom-field values; compiled validators cached per tenant + model and
// the definitions' signature (ids and updated_at): a changed, added, archived or reordered
// definition makes a new signature, so the next request compiles again, in every process,
// with no cross-process invalidation message to lose. Old entries fall out (bounded map).

const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
ajv.addKeyword({ keyword: 'currency', type: 'string', validate: (_s: unknown, v: unknown) => knownCurrency(v) });

const MAX = 2000;
const cache = new Map<string, ValidateFunction>();

/** The document schema of a model's fields: each key its value's schema (or null, to clear). */
function documentSchema(defs: readonly CustomFieldDef[]): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(defs.map((d) => [d.key, { anyOf: [{ type: 'null' }, valueSchema(d)] }] as const)),
  };
}

export function signatureOf(defs: readonly CustomFieldDef[]): string {
  return defs.map((d) => `${d.id}@${d.updatedAt}`).join(',');
}

/** A compiled validator of the (visible) definitions; cached by tenant, model, viewer's set and signature. */
export function documentValidator(cacheKey: string, defs: readonly CustomFieldDef[]): ValidateFunction {
  const key = `${cacheKey}|${signatureOf(defs)}`;
  let v = cache.get(key);
  if (!v) {
    v = ajv.compile(documentSchema(defs));
    if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
    cache.set(key, v);
  }
  return v;
}

/** ajv errors as details naming `custom.<key>` (the first error per key: anyOf repeats itself). */
export function customDetails(errors: ErrorObject[] | null | undefined): ErrorDetail[] {
  const out = new Map<string, string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'additionalProperties') {
      const k = (e.params as { additionalProperty: string }).additionalProperty;
      out.set(`custom.${k}`, 'is not a custom field of this record');
      continue;
    }
    const key = e.instancePath.split('/')[1];
    if (!key) continue;
    const path = `custom.${key}`;
    // anyOf reports "must be null" first; the value's own error says more.
    if (e.keyword === 'type' && (e.params as { type: string }).type === 'null') continue;
    if (e.keyword === 'anyOf') continue;
    if (!out.has(path)) {
      const sub = e.instancePath.split('/').slice(2).join('.');
      const pattern = e.keyword === 'pattern' ? PATTERN_MESSAGES[(e.params as { pattern: string }).pattern] : undefined;
      const msg = e.keyword === 'currency' ? 'must be a known currency code' : (pattern ?? validationMessage(e));
      out.set(path, sub ? `${sub}: ${msg}` : msg);
    }
  }
  return [...out].map(([path, message]) => ({ path, message }));
}

/** A one-off validator of a single value (definition defaults): an error text or null. */
export function bodyValidator(schema: JsonSchema): (v: unknown) => string | null {
  const v = ajv.compile(schema);
  return (value) => (v(value) ? null : (v.errors ?? []).map((e) => validationMessage(e)).join('; '));
}
