import { AppError } from '@elevate/sdk';
import { GraphQLError, type Kind, type ValidationContext } from 'graphql';
import { createGraphQLError, createYoga, type Plugin } from 'graphql-yoga';
import type Koa from 'koa';
import { typedError } from '../db/pg-errors.ts';
import { findNul, rejectBadNumbers } from '../http/input.ts';
import type { State } from '../http/state.ts';
import type { Log } from '../logger.ts';
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

export function graphqlMiddleware(schemas: SchemaCache, log: Log): Koa.Middleware<State> {
  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule({ maxDepth: 12, maxFields: 1000 }));
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
    context: ({ state }) => state.rc ?? {},
    maskedErrors: { maskError: maskError(log), errorMessage: 'Internal error' },
  });
  return async (ctx) => {
    const response = await yoga.handleNodeRequestAndResponse(ctx.req, ctx.res, { state: ctx.state });
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
