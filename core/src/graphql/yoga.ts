import { AppError } from '@elevate/sdk';
import { GraphQLError, type Kind, specifiedRules, type ValidationContext } from 'graphql';
import { createGraphQLError, createYoga, type Plugin } from 'graphql-yoga';
import type Koa from 'koa';
import { typedError } from '../db/pg-errors.ts';
import { findNul, rejectBadNumbers } from '../http/input.ts';
import type { State } from '../http/state.ts';
import type { Log } from '../logger.ts';
import { directGraphql } from './direct.ts';
import { limitsRule } from './limits.ts';
import type { SchemaCache } from './schema.ts';

const isGraphQLError = (e: unknown) => (e as { name?: string } | null)?.name === 'GraphQLError';

/** Maps thrown errors to GraphQL errors carrying the same code/details as REST. */
function maskError(log: Log) {
  return (error: unknown): Error => {
    // Yoga and graphql-js may wrap a resolver's error more than once; graphql 17 keeps it in
    // `cause` (older: `originalError`). Duck-typed: yoga may load another copy of graphql.
    const inner = (e: unknown) =>
      (e as { originalError?: unknown } | null)?.originalError ?? (e as { cause?: unknown } | null)?.cause;
    let original: unknown = error;
    while (!(original instanceof AppError) && inner(original)) original = inner(original);
    // A database error caused by the input (a missing reference, a taken name) is typed as on REST.
    original = typedError(original);
    const path = (error as { path?: readonly (string | number)[] }).path;
    if (original instanceof AppError && original.expose) {
      return new GraphQLError(original.message, {
        ...(path ? { path } : {}),
        extensions: { code: original.code, status: original.status, details: original.details ?? [] },
      });
    }
    if (original instanceof AppError) {
      // Not safe to show: keep the code (as REST does), hide the message.
      log.error({ err: original }, 'graphql resolver failed');
      return new GraphQLError('Internal error', {
        ...(path ? { path } : {}),
        extensions: { code: original.code, status: original.status, details: [] },
      });
    }
    // graphql-js's own errors (a variable of the wrong type, a scalar refusing a value: the
    // innermost error is a GraphQLError too) are the client's: BAD_USER_INPUT unless coded.
    if (isGraphQLError(error) && isGraphQLError(original)) {
      const e = error as GraphQLError;
      if (e.extensions?.code) return e;
      return new GraphQLError(e.message, {
        ...(e.nodes ? { nodes: e.nodes } : {}),
        ...(path ? { path } : {}),
        extensions: { ...e.extensions, code: 'BAD_USER_INPUT', details: [] },
      });
    }
    log.error({ err: original ?? error }, 'graphql resolver failed');
    return new GraphQLError('Internal error', {
      ...(path ? { path } : {}),
      extensions: { code: 'INTERNAL', details: [] },
    });
  };
}

/** NUL in a string literal of the document: refused before anything runs (the rule REST applies). */
function nulLiteralRule(context: ValidationContext) {
  return {
    StringValue(node: { value: string; kind: typeof Kind.STRING }) {
      if (node.value.includes('\u0000')) {
        context.reportError(
          new GraphQLError('A string contains a NUL character', {
            nodes: node as never,
            extensions: { code: 'BAD_USER_INPUT', details: [{ message: 'must not contain a NUL character' }] },
          }),
        );
      }
    },
  };
}

/** Variables meet the same text and number rules as REST input; answered 400 naming the variable. */
const inputRules: Plugin = {
  onParams({ params }) {
    const variables = params.variables ?? {};
    const nul = findNul(variables);
    const bad = (path: string, message: string) =>
      createGraphQLError(`Variable "$${path}" ${message}`, {
        extensions: { code: 'BAD_USER_INPUT', http: { status: 400 }, details: [{ path, message }] },
      });
    if (nul !== null) throw bad(nul, 'must not contain a NUL character');
    try {
      rejectBadNumbers(variables);
    } catch (err) {
      const path = (err as AppError).details?.[0]?.path ?? '';
      throw bad(path, 'must be a finite number within the safe integer range');
    }
  },
  onValidate({ addValidationRule }) {
    addValidationRule(nulLiteralRule as never);
  },
};

/** The largest GraphQL request body read (the REST JSON limit). */
const BODY_LIMIT = 1024 * 1024;

/** A document that cannot hold a mutation or subscription (neither keyword appears anywhere). */
const WRITES = /\b(?:mutation|subscription)\b/;

/**
 * Whether a JSON GraphQL request can only read: one document whose text names no mutation or
 * subscription. Anything else (batches, persisted queries without text, other content types,
 * a keyword even inside a string) counts as a possible write.
 */
export function onlyReads(body: Buffer, contentType: string): boolean {
  return readParams(body, contentType).readOnly;
}

/** A JSON POST body's GraphQL parameters (parsed once), and whether it can only read. */
function readParams(body: Buffer, contentType: string): { params?: State['graphqlParams']; readOnly: boolean } {
  if (!/^application\/(?:graphql-response\+)?json\b/i.test(contentType)) return { readOnly: false };
  try {
    const parsed = JSON.parse(body.toString('utf8')) as State['graphqlParams'] | null;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { readOnly: false };
    return { params: parsed, readOnly: typeof parsed.query === 'string' && !WRITES.test(parsed.query) };
  } catch {
    // Not JSON: Yoga answers it.
    return { readOnly: false };
  }
}

/**
 * Reads a POST /graphql body before the request's transaction opens, so a document that only
 * reads runs in a read-only transaction that is ended without holding the response (as a REST
 * GET), instead of waiting for a COMMIT.
 */
export async function readGraphqlBody(ctx: Koa.ParameterizedContext<State>): Promise<void> {
  if (ctx.method === 'GET' || ctx.method === 'HEAD') return;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) {
      throw new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than 1 MB', { status: 413 });
    }
    chunks.push(chunk);
  }
  const body = Buffer.concat(chunks);
  ctx.state.graphqlBody = body;
  const { params, readOnly } = readParams(body, ctx.get('content-type'));
  ctx.state.graphqlParams = params;
  if (readOnly) ctx.state.readOnly = true;
}

/** The depth and field-count limits of every document. */
const LIMITS = { maxDepth: 12, maxFields: 1000 };

export function graphqlMiddleware(schemas: SchemaCache, log: Log): Koa.Middleware<State> {
  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule(LIMITS));
    },
  };
  const yoga = createYoga<{ state: State }>({
    graphqlEndpoint: '/graphql',
    landingPage: false,
    // Yoga's default answers every origin; CORS is the app's (http/security-headers.ts, CORS_ORIGINS).
    cors: false,
    graphiql: false,
    logging: false,
    plugins: [limits, inputRules],
    schema: ({ state }) => schemas.get(state.enabled ?? new Set()),
    // The request context's properties are defined on Yoga's context as they are (getters
    // included): Yoga's own merge (Object.assign) would call the lazy `em` getter and fork an
    // EntityManager for every operation, used or not.
    context: (context) => {
      const rc = (context as { state: State }).state.rc;
      if (rc) Object.defineProperties(context, Object.getOwnPropertyDescriptors(rc));
      return {};
    },
    maskedErrors: { maskError: maskError(log), errorMessage: 'Internal error' },
    // readGraphqlBody has read the body already, within its 1 MB limit; Yoga's own limit would
    // pipe the buffer through a TransformStream once more on every request (~3 % of a query's CPU).
    maxRequestBodySize: false,
  });
  const direct = directGraphql(
    schemas,
    [...specifiedRules, limitsRule(LIMITS), nulLiteralRule as never],
    maskError(log),
  );
  return async (ctx) => {
    if (await direct(ctx)) return;
    const headers: [string, string][] = [];
    for (const [key, value] of Object.entries(ctx.req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.push([key, v]);
    }
    const body = ctx.state.graphqlBody;
    // The body was read already (readGraphqlBody): Yoga gets it as a buffer, not the stream.
    const init: RequestInit = { method: ctx.method, headers };
    if (body) init.body = body as unknown as Uint8Array<ArrayBuffer>;
    const response = await yoga.fetch(`http://${ctx.host || 'localhost'}${ctx.originalUrl}`, init, {
      state: ctx.state,
    });
    ctx.status = response.status;
    response.headers.forEach((value, key) => {
      if (key !== 'content-length') ctx.set(key, value);
    });
    const text = await response.text();
    // Any error means nothing of this request is committed.
    if (text.includes('"errors"')) {
      try {
        if ((JSON.parse(text) as { errors?: unknown[] }).errors?.length) ctx.state.failed = true;
      } catch {
        ctx.state.failed = true;
      }
    }
    ctx.body = text;
  };
}
