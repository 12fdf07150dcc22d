import { type ErrorDetail, type JsonSchema, ValidationError } from '@elevate/sdk';
import { filterKeys, type ListFilter, type ListTarget, listFilterSchema } from './list-query.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * Checks one value against the keywords listFilterSchema uses (type, enum, maxLength,
 * pattern, format, items, maxItems). Addons get no validator from the SDK, and GraphQL
 * arguments must be held to the same schema as REST bodies.
 */
function check(schema: JsonSchema, value: unknown, path: string, out: ErrorDetail[]): void {
  const s = schema as {
    type?: string;
    enum?: unknown[];
    maxLength?: number;
    pattern?: string;
    format?: string;
    items?: JsonSchema;
    maxItems?: number;
  };
  if (s.enum && !s.enum.includes(value)) {
    out.push({ path, message: `must be one of ${s.enum.join(', ')}` });
    return;
  }
  if (s.type === 'integer' && !Number.isInteger(value)) out.push({ path, message: 'must be integer' });
  if (s.type === 'array') {
    if (!Array.isArray(value)) {
      out.push({ path, message: 'must be array' });
      return;
    }
    if (s.maxItems !== undefined && value.length > s.maxItems) {
      out.push({ path, message: `must NOT have more than ${s.maxItems} items` });
    }
    const items = s.items;
    if (items) {
      for (const [i, v] of value.entries()) check(items, v, `${path}.${i}`, out);
    }
  }
  if (s.type === 'string') {
    if (typeof value !== 'string') {
      out.push({ path, message: 'must be string' });
      return;
    }
    if (s.maxLength !== undefined && value.length > s.maxLength) {
      out.push({ path, message: `must NOT have more than ${s.maxLength} characters` });
    }
    if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) out.push({ path, message: `must match "${s.pattern}"` });
    if (s.format === 'uuid' && !UUID.test(value)) out.push({ path, message: 'must match format "uuid"' });
    if (s.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
      out.push({ path, message: 'must match format "date-time"' });
    }
  }
}

/** Validates a stored filter for a target with listFilterSchema; 400 with details when it is not one. */
export function validateFilter(target: ListTarget, value: unknown): ListFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('Invalid filter', [{ path: 'filter', message: 'must be object' }]);
  }
  const props = listFilterSchema.properties as Record<string, JsonSchema>;
  const allowed = filterKeys(target);
  const details: ErrorDetail[] = [];
  for (const [key, v] of Object.entries(value)) {
    const schema = props[key];
    if (!schema) details.push({ path: `filter.${key}`, message: 'is not allowed' });
    else if (!allowed.has(key)) details.push({ path: `filter.${key}`, message: `does not apply to ${target}s` });
    else if (v !== undefined) check(schema, v, `filter.${key}`, details);
  }
  if (details.length) throw new ValidationError('Invalid filter', details);
  return value as ListFilter;
}
