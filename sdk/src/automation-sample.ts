// No imports: the builder's browser bundle (@elevate/sdk/web) prefills its test-run payload with
// this, and the catalog answers the same sample for each trigger.

type Schema = Record<string, unknown>;
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : undefined);

/** A type of the schema other than null (`["string", "null"]` → "string"). */
function typeOf(s: Schema): string | undefined {
  const t = s.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (typeof t === 'string') return t;
  if (s.properties) return 'object';
  return undefined;
}

function sampleString(s: Schema, key: string): string {
  switch (s.format) {
    case 'email':
      return 'someone@example.com';
    case 'date-time':
      return '2026-01-15T09:30:00.000Z';
    case 'date':
      return '2026-01-15';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'uri':
    case 'url':
      return 'https://example.com/';
  }
  if (/e-?mail/i.test(key)) return 'someone@example.com';
  const min = typeof s.minLength === 'number' ? s.minLength : 0;
  const text = `Sample ${typeof s.title === 'string' ? s.title : key}`.trim();
  return text.length >= min ? text : text.padEnd(min, 'x');
}

/**
 * A value that fits a JSON schema, for trying a rule out: the schema's own `examples[0]`,
 * `example`, `default`, `const` or first `enum` value when it has one; otherwise a placeholder of
 * its type (an object gets every property, recursively, up to 6 levels deep).
 */
export function sampleValue(schema: unknown, key = '', depth = 0): Json {
  const s = (schema && typeof schema === 'object' ? schema : {}) as Schema;
  for (const v of [first(s.examples), s.example, s.default, s.const, first(s.enum)]) {
    if (v !== undefined) return v as Json;
  }
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, Json> = {};
      if (depth >= 6) return out;
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [k, p] of Object.entries(props)) out[k] = sampleValue(p, k, depth + 1);
      return out;
    }
    case 'array':
      return depth >= 6 || !s.items ? [] : [sampleValue(s.items, key, depth + 1)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return sampleString(s, key);
  }
}

/** A sample payload for a trigger whose payload is described by `schema`: always an object. */
export function samplePayload(schema: unknown): Record<string, Json> {
  const v = sampleValue(schema && typeof schema === 'object' ? { type: 'object', ...schema } : { type: 'object' });
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}
