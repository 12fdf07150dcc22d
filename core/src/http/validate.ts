import { type JsonSchema, ValidationError, validationMessage } from '@elevate/sdk';
import { Ajv, type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { rejectBadNumbers } from './input.ts';

/** A required-when-listed text of 1 to `max` characters (the kernel routes' bodies). */
export const str = (max: number): JsonSchema => ({ type: 'string', minLength: 1, maxLength: max });

/** An object body with exactly these properties (no others), `required` among them. */
export const obj = (required: string[], properties: Record<string, JsonSchema>): JsonSchema => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});

// Query strings arrive as text: that instance coerces. Bodies are JSON: no coercion.
const queryAjv = new Ajv({ allErrors: true, coerceTypes: true, useDefaults: true });
const bodyAjv = new Ajv({ allErrors: true, useDefaults: true });
addFormats.default(queryAjv);
addFormats.default(bodyAjv);

function details(errors: ErrorObject[] | null | undefined) {
  return (errors ?? []).map((e) => {
    const path =
      e.keyword === 'required'
        ? `${e.instancePath.slice(1).replace(/\//g, '.')}${e.instancePath ? '.' : ''}${(e.params as { missingProperty: string }).missingProperty}`
        : e.keyword === 'additionalProperties'
          ? (e.params as { additionalProperty: string }).additionalProperty
          : e.instancePath.slice(1).replace(/\//g, '.');
    return { path, message: validationMessage(e) };
  });
}

export function compileQuery(schema: JsonSchema | undefined): (q: Record<string, unknown>) => Record<string, unknown> {
  if (!schema) return (q) => q;
  const v = queryAjv.compile(schema);
  return (q) => {
    if (!v(q)) throw new ValidationError('Invalid query parameters', details(v.errors));
    // ajv lets Infinity (`1e400`) and integers past 2^53 through `integer`/`maximum`.
    rejectBadNumbers(q);
    return q;
  };
}

export function compileBody(schema: JsonSchema | undefined): (b: unknown) => unknown {
  if (!schema) return (b) => b;
  const v = bodyAjv.compile(schema);
  return (b) => {
    const body = b ?? {};
    if (!v(body)) throw new ValidationError('Invalid request body', details(v.errors));
    rejectBadNumbers(body);
    return body;
  };
}

export function compileSettings(schema: JsonSchema): (s: unknown) => void {
  const v = bodyAjv.compile(schema);
  return (s) => {
    if (!v(s)) throw new ValidationError('Invalid settings', details(v.errors));
  };
}
