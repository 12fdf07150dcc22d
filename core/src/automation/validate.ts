import { type JsonSchema, validationMessage } from '@elevate/sdk';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

// Action parameter schemas may carry builder hints (`x-widget`): known keywords, ignored by validation.
const ajv = new Ajv({ allErrors: true, useDefaults: true });
addFormats.default(ajv);
ajv.addKeyword('x-widget');

export function details(errors: ErrorObject[] | null | undefined, prefix = '') {
  return (errors ?? []).map((e) => {
    const at =
      e.keyword === 'required'
        ? `${e.instancePath.slice(1).replace(/\//g, '.')}${e.instancePath ? '.' : ''}${(e.params as { missingProperty: string }).missingProperty}`
        : e.keyword === 'additionalProperties'
          ? `${e.instancePath.slice(1).replace(/\//g, '.')}${e.instancePath ? '.' : ''}${(e.params as { additionalProperty: string }).additionalProperty}`
          : e.instancePath.slice(1).replace(/\//g, '.');
    return { path: [prefix, at].filter(Boolean).join('.'), message: validationMessage(e) };
  });
}

/** A validator of an action's filled-in parameters: null when valid, else one line naming the fields. */
export function compileParams(schema: JsonSchema): (params: unknown) => string | null {
  const v = ajv.compile(schema);
  return (params) => {
    if (v(params)) return null;
    return `Invalid parameters: ${details(v.errors)
      .map((d) => `${d.path || 'params'} ${d.message}`)
      .join('; ')}`;
  };
}

const TEMPLATE = { type: 'string', pattern: '^\\{\\{\\s*[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)*\\s*\\}\\}$' };

/**
 * The schema a rule's stored parameters are checked against when the rule is saved: the action's,
 * where any top-level parameter may instead be one `{{variable}}` (its value is known only when the
 * run starts; the filled-in parameters are checked again then).
 */
export function compileStoredParams(
  schema: JsonSchema,
): (params: unknown, prefix: string) => { path: string; message: string }[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const relaxed: JsonSchema = {
    ...schema,
    properties: Object.fromEntries(Object.entries(props).map(([k, s]) => [k, { anyOf: [s, TEMPLATE] }])),
  };
  const v = ajv.compile(relaxed);
  return (params, prefix) => {
    if (v(params)) return [];
    // anyOf reports each branch; the first branch's own error says what the value must be.
    const seen = new Set<string>();
    return details(
      v.errors?.filter((e) => e.keyword !== 'anyOf' && !e.schemaPath.includes('/anyOf/1/')),
      prefix,
    ).filter((d) => !seen.has(d.path) && seen.add(d.path));
  };
}

export const automationAjv = ajv;

/** Compiles the body schemas of inbound triggers (strict off: a sender's schema may carry any keyword). */
export const inboundAjv = new Ajv({ allErrors: true, strict: false });
addFormats.default(inboundAjv);
