import { AppError } from '@elevate/sdk';
import { GraphQLError } from 'graphql';
import { createYoga, type Plugin } from 'graphql-yoga';
import type Koa from 'koa';
import type { State } from '../http/state.ts';
import type { Log } from '../logger.ts';
import { limitsRule } from './limits.ts';
import type { SchemaCache } from './schema.ts';

/** Maps thrown errors to GraphQL errors carrying the same code/details as REST. */
function maskError(log: Log) {
  return (error: unknown): Error => {
    // Yoga and graphql-js may wrap a resolver's error more than once; graphql 17 keeps it in
    // `cause` (older: `originalError`). Duck-typed: yoga may load another copy of graphql.
    const inner = (e: unknown) =>
      (e as { originalError?: unknown } | null)?.originalError ?? (e as { cause?: unknown } | null)?.cause;
    let original: unknown = error;
    while (!(original instanceof AppError) && inner(original)) original = inner(original);
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
    if (original === error && (error as { name?: string })?.name === 'GraphQLError') return error as Error;
    log.error({ err: original ?? error }, 'graphql resolver failed');
    return new GraphQLError('Internal error', {
      ...(path ? { path } : {}),
      extensions: { code: 'INTERNAL', details: [] },
    });
  };
}

export function graphqlMiddleware(schemas: SchemaCache, log: Log): Koa.Middleware<State> {
  const limits: Plugin = {
    onValidate({ addValidationRule }) {
      addValidationRule(limitsRule({ maxDepth: 12, maxFields: 1000 }));
    },
  };
  const yoga = createYoga<{ state: State }>({
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: false,
    logging: false,
    plugins: [limits],
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
