import { type JsonSchema, validateInput } from '@elevate/sdk';
import { inventoryErrors, type Shortfall } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * GraphQL arguments without their null and absent keys, checked with the JSON Schema of the REST
 * body that does the same (so both APIs refuse the same input, naming the same field: paths are
 * those of the REST body, `lines.0.quantity`).
 */
export function checked<T>(schema: JsonSchema, args: object): T {
  const clean = strip(args);
  validateInput(schema, clean, '');
  return clean as T;
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .filter(([, x]) => x !== null && x !== undefined)
        .map(([k, x]) => [k, strip(x)]),
    );
  }
  return v;
}

/** An id argument: one that cannot be an id is refused as REST refuses it in the path (naming `path`). */
export function idOf(id: unknown, what: string, path = 'id'): string {
  const s = String(id);
  if (!UUID.test(s)) throw inventoryErrors.notFound(what, path);
  return s;
}

/** The shortfall of a refused operation (409 INVENTORY_INSUFFICIENT_STOCK on REST), or null for any other error. */
export function shortfallOf(e: unknown): Shortfall | null {
  const err = e as { code?: string; details?: (Shortfall & { path?: string; message?: string })[] };
  if (err?.code !== 'INVENTORY_INSUFFICIENT_STOCK' || !err.details?.[0]) return null;
  const { path: _p, message: _m, ...s } = err.details[0];
  return s;
}
