import { ConflictError, type RequestContext, ValidationError } from '@elevate/sdk';

/** The optimistic-concurrency precondition of an edit: the `updatedAt` the client read. */
export interface EditPrecondition {
  expectedUpdatedAt?: string | null;
}

const TABLES = {
  contact: 'crm_contact',
  lead: 'crm_lead',
  opportunity: 'crm_opportunity',
  activity: 'crm_activity',
  note: 'crm_note',
} as const;

/**
 * Locks the record (until the request's transaction ends) and answers 409 CONFLICT when it was
 * changed since the client read it: its `updated_at`, to the millisecond the API shows, is not the
 * `expectedUpdatedAt` the client sent. Without a precondition the edit goes through as before
 * (last write wins). Call it after the record was found visible to the caller, so a record the
 * caller may not see stays a 404.
 */
export async function checkUnchanged(
  ctx: RequestContext,
  kind: keyof typeof TABLES,
  id: string,
  title: string,
  pre: EditPrecondition | undefined,
): Promise<void> {
  const expected = pre?.expectedUpdatedAt;
  if (expected === undefined || expected === null) return;
  const expectedMs = Date.parse(expected);
  if (Number.isNaN(expectedMs)) {
    throw new ValidationError('expectedUpdatedAt must be a date-time', [
      { path: 'expectedUpdatedAt', message: 'must be an ISO 8601 date-time' },
    ]);
  }
  const [row] = await ctx.db.query<{ ms: string; at: string }>(
    `select floor(extract(epoch from updated_at) * 1000)::bigint::text as ms,
            to_char(updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
       from ${TABLES[kind]} where id = $1 for update`,
    [id],
  );
  if (!row || Number(row.ms) === expectedMs) return;
  throw new ConflictError(
    'CONFLICT',
    `This ${kind} ("${title}") was changed by someone else since you opened it; reload it and apply your change again`,
    [
      {
        path: 'expectedUpdatedAt',
        message: `the ${kind} was changed at ${row.at}`,
        record: kind,
        id,
        title,
        updatedAt: row.at,
      },
    ],
  );
}

/** The body property of the PATCH routes that carries the precondition. */
export const expectedUpdatedAtProperty = {
  type: 'string',
  format: 'date-time',
  description:
    'The updatedAt the client read; when the record changed since, the edit answers 409 CONFLICT instead of overwriting',
};

/** A PATCH body split into its changes and its precondition. */
export function splitPrecondition<T extends object>(body: T & EditPrecondition): [T, EditPrecondition] {
  const { expectedUpdatedAt, ...changes } = body;
  return [changes as T, expectedUpdatedAt === undefined ? {} : { expectedUpdatedAt }];
}

/** The GraphQL `expectedUpdatedAt` argument (a DateTime, parsed or not) as a precondition. */
export function argPrecondition(value: unknown): EditPrecondition {
  if (value === undefined || value === null) return {};
  return { expectedUpdatedAt: value instanceof Date ? value.toISOString() : String(value) };
}

/** The description of the GraphQL `expectedUpdatedAt` argument. */
export const EXPECTED_UPDATED_AT_DOC = expectedUpdatedAtProperty.description;
