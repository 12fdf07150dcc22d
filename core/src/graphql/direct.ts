import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type GraphQLSchema,
  type OperationDefinitionNode,
  parse,
  type ValidationRule,
  validate,
} from 'graphql';
import { type CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';
import type Koa from 'koa';
import { findNul, rejectBadNumbers } from '../http/input.ts';
import type { State } from '../http/state.ts';
import type { SchemaCache } from './schema.ts';

/** One document the direct path has seen for one schema (null: Yoga answers it). */
interface Known {
  document: DocumentNode;
  operationName: string | undefined;
  /** Runs seen; the document is compiled with graphql-jit on its second run. */
  runs: number;
  jit: CompiledQuery | null;
}

/** Documents remembered per schema (the oldest is forgotten first). */
const MAX_DOCUMENTS = 1000;

/** What the direct path did in this process (read by tests and benchmarks). */
export const directStats = { answered: 0, compiled: 0 };

/** Answers the request and returns true, or returns false and Yoga answers it. */
export type DirectRun = (ctx: Koa.ParameterizedContext<State>) => Promise<boolean>;

/**
 * The common GraphQL request — a JSON POST of one query or mutation whose document parses and
 * validates, with variables the schema accepts — executed without Yoga's Fetch-API round trip
 * (a Request, Headers and a Response object per call, the body parsed twice). A document run a
 * second time is compiled with graphql-jit (the first run uses graphql-js, so a client sending
 * ever-new documents costs no compilation). Anything else — GET, other content types, batches,
 * subscriptions, `Accept` asking for another response format, a document or variables that are
 * refused — returns false and goes through Yoga, which answers it (before anything ran).
 *
 * Same rules as the Yoga path: the validation rules given (graphql-js's, the limits, NUL
 * literals), the REST text/number rules on variables, errors masked by the same function.
 */
export function directGraphql(
  schemas: SchemaCache,
  rules: readonly ValidationRule[],
  mask: (error: unknown) => Error,
): DirectRun {
  const known = new WeakMap<GraphQLSchema, Map<string, Known | null>>();

  function lookUp(schema: GraphQLSchema, query: string, operationName: string | undefined): Known | null {
    let cache = known.get(schema);
    if (!cache) {
      cache = new Map();
      known.set(schema, cache);
    }
    const key = `${operationName ?? ''}\u0000${query}`;
    let entry = cache.get(key);
    if (entry !== undefined) return entry;
    entry = null;
    try {
      const document = parse(query);
      if (validate(schema, document, rules).length === 0) {
        const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition');
        const op = operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : null;
        if (op && op.operation !== 'subscription') entry = { document, operationName, runs: 0, jit: null };
      }
    } catch {
      // A syntax error: Yoga answers it.
    }
    if (cache.size >= MAX_DOCUMENTS) cache.delete(cache.keys().next().value as string);
    cache.set(key, entry);
    return entry;
  }

  function compiled(schema: GraphQLSchema, entry: Known): CompiledQuery | null {
    if (entry.jit || ++entry.runs < 2) return entry.jit;
    try {
      const c = compileQuery(schema, entry.document, entry.operationName);
      if (isCompiledQuery(c)) {
        entry.jit = c;
        directStats.compiled++;
      }
    } catch {
      // graphql-jit cannot compile it: graphql-js keeps running it.
    }
    return entry.jit;
  }

  return async (ctx) => {
    const params = ctx.state.graphqlParams;
    if (!params || typeof params.query !== 'string') return false;
    const accept = ctx.get('accept');
    if (accept && !/application\/json|\*\/\*/.test(accept)) return false;
    if (/graphql-response\+json|text\/event-stream|multipart\/mixed/.test(accept)) return false;
    const variables = params.variables ?? {};
    if (typeof variables !== 'object' || Array.isArray(variables)) return false;
    const operationName = params.operationName ?? undefined;
    if (operationName !== undefined && typeof operationName !== 'string') return false;
    if (params.extensions != null && typeof params.extensions !== 'object') return false;
    if (findNul(variables) !== null) return false;
    try {
      rejectBadNumbers(variables);
    } catch {
      return false;
    }
    const schema = schemas.get(ctx.state.enabled ?? new Set());
    const entry = lookUp(schema, params.query, operationName);
    if (!entry) return false;

    // The request context's properties as they are (getters included: the lazy `em` is not
    // forked unless a resolver uses it), as on the Yoga path.
    // `state` as Yoga's server context carries it (resolvers of the core's account fields read it).
    const contextValue: Record<string, unknown> = { state: ctx.state };
    const rc = ctx.state.rc;
    if (rc) Object.defineProperties(contextValue, Object.getOwnPropertyDescriptors(rc));
    const jit = compiled(schema, entry);
    const result: ExecutionResult = jit
      ? await jit.query(undefined, contextValue, variables)
      : await execute({ schema, document: entry.document, variableValues: variables, operationName, contextValue });
    // Variables the schema refuses: nothing ran; Yoga answers it as it answers any refusal.
    if (!('data' in result) || result.data === undefined) return false;
    directStats.answered++;
    ctx.status = 200;
    ctx.type = 'application/json; charset=utf-8';
    if (result.errors?.length) {
      // Any error means nothing of this request is committed.
      ctx.state.failed = true;
      ctx.body = JSON.stringify({ errors: result.errors.map((e) => mask(e)), data: result.data });
    } else {
      ctx.body = JSON.stringify({ data: result.data });
    }
    return true;
  };
}
