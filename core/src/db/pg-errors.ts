import { AppError, type ErrorDetail } from '@elevate/sdk';

// PostgreSQL's answers to bad input, as typed errors naming the field. Validation refuses bad
// input first; this is where what validation cannot know (does the referenced row exist, is the
// name taken) and what it missed ends up, instead of a 500. Used by the HTTP error middleware and
// the GraphQL error formatting. The raw pg error and MikroORM's DriverException (which copies
// the pg error's fields) look the same here.

interface PgLike {
  code?: string;
  detail?: string;
  column?: string;
  constraint?: string;
  table?: string;
  message?: string;
}

/** Seconds a client should wait before trying again while the database is unreachable. */
export const RETRY_AFTER_SECONDS = 5;

/** Errors of node's net layer and of pg's pool when PostgreSQL cannot be reached. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection ended unexpectedly/i,
  /connect ECONNREFUSED/i,
];

const camel = (column: string) => column.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** The API field a key detail names: `Key (tenant_id, owner_id)=(…)` → `ownerId` (the tenant is not a field). */
function keyFields(detail: string | undefined): string[] {
  const m = /Key \(([^)]*)\)/.exec(detail ?? '');
  if (!m?.[1]) return [];
  const cols = m[1]
    .split(',')
    .map((c) => c.trim().replace(/^"|"$/g, ''))
    .filter((c) => c !== 'tenant_id');
  return cols.map(camel);
}

/**
 * The fields a constraint name holds, when PostgreSQL leaves the key out of the detail (it does
 * on tables under row-level security): `crm_lead_tenant_id_owner_id_fkey` → `ownerId`, MikroORM's
 * `journal_entry_tenant_id_topic_id_foreign` → `topicId`.
 */
function constraintFields(constraint: string | undefined, table: string | undefined): string[] {
  if (!constraint) return [];
  let rest = table && constraint.startsWith(`${table}_`) ? constraint.slice(table.length + 1) : constraint;
  rest = rest.replace(/_(fkey|foreign|key|unique|pkey|check)$/, '').replace(/^tenant_id_/, '');
  return rest && rest !== constraint ? [camel(rest)] : [];
}

function chain(err: unknown): PgLike[] {
  const out: PgLike[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    out.push(cur as PgLike);
    cur = (cur as { cause?: unknown }).cause;
  }
  return out;
}

/** True when the error says PostgreSQL is unreachable or going away (the request may be retried). */
export function isDatabaseUnavailable(err: unknown): boolean {
  return chain(err).some((e) => {
    const code = e.code ?? '';
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '53300')
      return true;
    if (CONNECTION_CODES.has(code)) return true;
    return CONNECTION_MESSAGES.some((re) => re.test(e.message ?? ''));
  });
}

export class DatabaseUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super('DATABASE_UNAVAILABLE', 'The database is unavailable; try again shortly', {
      status: 503,
      expose: true,
      cause,
    });
  }
}

function invalid(code: string, message: string, details: ErrorDetail[], cause: unknown): AppError {
  return new AppError(code, message, { status: 400, details, cause });
}

/** The typed error for a PostgreSQL error caused by the request's input; null for anything else. */
export function fromPgError(err: unknown): AppError | null {
  if (err instanceof AppError) return null;
  if (isDatabaseUnavailable(err)) return new DatabaseUnavailableError(err);
  const e = chain(err).find((x) => typeof x.code === 'string' && /^[0-9A-Z]{5}$/.test(x.code));
  if (!e?.code) return null;
  const fromKey = keyFields(e.detail);
  const fields = fromKey.length ? fromKey : constraintFields(e.constraint, e.table);
  const column = e.column ? camel(e.column) : undefined;
  const named = fields.length ? fields : column ? [column] : [];
  const at = (message: string): ErrorDetail[] =>
    named.length ? named.map((path) => ({ path, message })) : [{ message }];
  switch (e.code) {
    case '23503': {
      // Insert/update: the referenced row does not exist (or belongs to another tenant: keys include it).
      if (/is not present in table/.test(e.detail ?? '') || /insert or update/.test(e.message ?? '')) {
        return invalid(
          'REFERENCE_NOT_FOUND',
          `No such record for ${named.join(', ') || 'a reference'}`,
          at('refers to a record that does not exist'),
          err,
        );
      }
      // Delete: something still points at the row.
      return new AppError('IN_USE', 'Other records still refer to this one', {
        status: 409,
        details: [{ message: 'is still referred to by other records' }],
        cause: err,
      });
    }
    case '23505':
      return new AppError('ALREADY_EXISTS', `A record with this ${named.join(', ') || 'value'} already exists`, {
        status: 409,
        details: at('is already taken'),
        cause: err,
      });
    case '23502':
      return invalid('VALIDATION_FAILED', `${column ?? 'A field'} is required`, at('is required'), err);
    case '23514':
    case '23P01':
      return invalid(
        'VALIDATION_FAILED',
        'A value breaks a rule of its record',
        at(`breaks the rule ${e.constraint ?? ''}`.trim()),
        err,
      );
    case '22001':
      return invalid('VALIDATION_FAILED', 'A value is too long for its field', at('is too long'), err);
    case '22003':
      return invalid('VALIDATION_FAILED', 'A number is out of range for its field', at('is out of range'), err);
    case '22021':
    case '22P05':
      return invalid(
        'VALIDATION_FAILED',
        'A text value holds a character that cannot be stored (NUL)',
        at('holds a character that cannot be stored'),
        err,
      );
    case '22P02':
    case '22007':
    case '22008':
    case '22023':
    case '2201W':
    case '2201X':
    case '22004':
    case '22012':
      return invalid('VALIDATION_FAILED', 'A value is not valid for its field', at('is not valid'), err);
    case '40001':
    case '40P01':
    case '55P03':
    case '57014':
      // Contention or a cancelled statement: nothing wrong with the input; the client may retry.
      return new AppError('TRY_AGAIN', 'The request collided with another one; try again', {
        status: 503,
        expose: true,
        cause: err,
      });
    default:
      return null;
  }
}

/** What reaches the client: a typed error for a known PostgreSQL failure, the error itself otherwise. */
export function typedError(err: unknown): unknown {
  return fromPgError(err) ?? err;
}
