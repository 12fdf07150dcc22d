/**
 * Rule conditions as typed JSON: a tree of and/or/not groups over leaf comparisons of a
 * variable (a dotted path into the trigger's scope) with a literal. Evaluated by walking the
 * tree; no user string is ever evaluated as code.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

export const CONDITION_OPS = [
  'equals',
  'not_equals',
  'contains',
  'greater',
  'less',
  'changed',
  'changed_to',
  'is_set',
  'not_set',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];

/** `field` is a variable path: `payload.value`, `record.stageId`, `payload.owner.email`. */
export interface ConditionLeaf {
  field: string;
  op: ConditionOp;
  value?: JsonValue;
}

export type ConditionExpr =
  | ConditionLeaf
  | { all: ConditionExpr[] }
  | { any: ConditionExpr[] }
  | { not: ConditionExpr };

/** What conditions and `{{variables}}` read: the trigger's payload, the record, what changed. */
export interface ConditionScope {
  payload: unknown;
  record?: Record<string, unknown> | null;
  /** Names of the record's fields this event changed (record triggers, `changes` of a domain event). */
  changes?: readonly string[];
  /** Outputs of earlier actions of the run, by step id. */
  steps?: Record<string, unknown>;
}

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** The JSON schema of a condition tree (ajv), depth-limited by `maxDepth` when checked with `checkCondition`. */
export const conditionSchema = {
  $id: 'elevate.automation.condition',
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['field', 'op'],
      properties: {
        field: { type: 'string', pattern: PATH.source, maxLength: 200 },
        op: { enum: [...CONDITION_OPS] },
        value: {},
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['all'],
      properties: { all: { type: 'array', maxItems: 50, items: { $ref: 'elevate.automation.condition' } } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['any'],
      properties: { any: { type: 'array', maxItems: 50, items: { $ref: 'elevate.automation.condition' } } },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['not'],
      properties: { not: { $ref: 'elevate.automation.condition' } },
    },
  ],
} as const;

/** Problems of a condition tree beyond its shape: nesting depth, values the operator needs. */
export function checkCondition(
  expr: ConditionExpr,
  path = 'conditions',
  depth = 0,
): { path: string; message: string }[] {
  if (depth > 8) return [{ path, message: 'is nested more than 8 groups deep' }];
  if ('all' in expr) return expr.all.flatMap((e, i) => checkCondition(e, `${path}.all.${i}`, depth + 1));
  if ('any' in expr) return expr.any.flatMap((e, i) => checkCondition(e, `${path}.any.${i}`, depth + 1));
  if ('not' in expr) return checkCondition(expr.not, `${path}.not`, depth + 1);
  const needsValue = !['is_set', 'not_set', 'changed'].includes(expr.op);
  if (needsValue && expr.value === undefined)
    return [{ path: `${path}.value`, message: `is required for "${expr.op}"` }];
  if ((expr.op === 'greater' || expr.op === 'less') && !isComparable(expr.value)) {
    return [{ path: `${path}.value`, message: 'must be a number, a decimal string or a date' }];
  }
  return [];
}

/** The value at a dotted path of the scope (`payload.owner.id`); undefined when absent. */
export function readPath(scope: ConditionScope, path: string): unknown {
  if (!PATH.test(path)) return undefined;
  let cur: unknown = scope;
  for (const part of path.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    if (!Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

export function evaluateCondition(expr: ConditionExpr | null | undefined, scope: ConditionScope): boolean {
  if (!expr) return true;
  if ('all' in expr) return expr.all.every((e) => evaluateCondition(e, scope));
  if ('any' in expr) return expr.any.some((e) => evaluateCondition(e, scope));
  if ('not' in expr) return !evaluateCondition(expr.not, scope);
  const got = readPath(scope, expr.field);
  switch (expr.op) {
    case 'equals':
      return same(got, expr.value);
    case 'not_equals':
      return !same(got, expr.value);
    case 'contains':
      if (typeof got === 'string' && typeof expr.value === 'string') {
        return got.toLowerCase().includes(expr.value.toLowerCase());
      }
      return Array.isArray(got) && got.some((g) => same(g, expr.value));
    case 'greater':
      return compare(got, expr.value) === 1;
    case 'less':
      return compare(got, expr.value) === -1;
    case 'is_set':
      return got !== undefined && got !== null && got !== '' && !(Array.isArray(got) && got.length === 0);
    case 'not_set':
      return got === undefined || got === null || got === '' || (Array.isArray(got) && got.length === 0);
    case 'changed':
      return changed(scope, expr.field);
    case 'changed_to':
      return changed(scope, expr.field) && same(got, expr.value);
  }
}

/** Whether the event changed the field: `record.stageId` or `payload.stageId` is named in `changes`. */
function changed(scope: ConditionScope, field: string): boolean {
  const name = field.split('.').at(-1) ?? field;
  return (scope.changes ?? []).includes(name);
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  // Decimal strings and numbers compare by value ("100.50" equals 100.5).
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string')) {
    const d = decimalCompare(String(a), String(b));
    if (d !== null) return d === 0;
    return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

function isComparable(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'string' && (DECIMAL.test(v.trim()) || isDate(v));
}

const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;
const DATE = /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/;
const isDate = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(s));

/** -1, 0, 1; null when the two cannot be compared (never true for greater or less). */
function compare(a: unknown, b: unknown): -1 | 0 | 1 | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if ((typeof a === 'number' || typeof a === 'string') && (typeof b === 'number' || typeof b === 'string')) {
    const d = decimalCompare(String(a), String(b));
    if (d !== null) return d;
    if (typeof a === 'string' && typeof b === 'string' && isDate(a) && isDate(b)) {
      const x = Date.parse(a);
      const y = Date.parse(b);
      return x === y ? 0 : x > y ? 1 : -1;
    }
  }
  return null;
}

/** Exact comparison of two decimal numbers written as text (money is never a float here). */
export function decimalCompare(a: string, b: string): -1 | 0 | 1 | null {
  const x = splitDecimal(a);
  const y = splitDecimal(b);
  if (!x || !y) return null;
  if (x.zero && y.zero) return 0;
  if (x.neg !== y.neg) return x.neg ? -1 : 1;
  const sign = x.neg ? -1 : 1;
  if (x.int.length !== y.int.length) return (x.int.length > y.int.length ? sign : -sign) as -1 | 1;
  const len = Math.max(x.frac.length, y.frac.length);
  const xs = x.int + x.frac.padEnd(len, '0');
  const ys = y.int + y.frac.padEnd(len, '0');
  if (xs === ys) return 0;
  return (xs > ys ? sign : -sign) as -1 | 1;
}

function splitDecimal(s: string): { neg: boolean; int: string; frac: string; zero: boolean } | null {
  const t = s.trim();
  if (!DECIMAL.test(t)) {
    // Numbers JavaScript prints in exponent form (1e21) are outside what a rule compares.
    return null;
  }
  const neg = t.startsWith('-');
  const body = t.replace(/^[-+]/, '');
  const [i = '', f = ''] = body.split('.');
  const int = i.replace(/^0+/, '');
  const frac = f.replace(/0+$/, '');
  return { neg, int, frac, zero: int === '' && frac === '' };
}
