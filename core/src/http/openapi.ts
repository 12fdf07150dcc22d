import { type AnyAddon, type JsonSchema, shapedFor } from '@elevate/sdk';
import type { RouteInfo } from '../kernel.ts';

// The OpenAPI 3.1 document of one tenant: the kernel's routes plus those of the addons the
// tenant has enabled, built from the same JSON Schemas that validate the requests
// (OpenAPI 3.1 schemas are JSON Schema 2020-12, so they are published as they are).

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, OpenApiOperation>> };
export type OpenApiOperation = Record<string, unknown> & { tags: string[]; operationId: string };

const ERROR: JsonSchema = {
  type: 'object',
  required: ['code', 'message', 'details'],
  properties: {
    code: { type: 'string', description: 'stable, machine-readable: VALIDATION_FAILED, NOT_FOUND, FORBIDDEN…' },
    message: { type: 'string', description: 'for people; names the field at fault' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['message'],
        properties: { path: { type: 'string', description: 'the field, dotted' }, message: { type: 'string' } },
      },
    },
  },
};
const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const COMPONENTS = {
  securitySchemes: {
    bearer: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'The access token from POST /api/v1/auth/login',
    },
  },
  schemas: { Error: ERROR },
  responses: {
    BadRequest: errorResponse('Bad input: the message and details name the field'),
    Unauthorized: errorResponse('No valid access token'),
    Forbidden: errorResponse('The caller lacks the permission'),
    NotFound: errorResponse('No such record (or not visible to the caller)'),
    UnsupportedMediaType: errorResponse('The body is not of the content type the route takes'),
  },
};
const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * ajv's `nullable: true` (OpenAPI 3.0 style, accepted by our validators) is not JSON Schema
 * 2020-12, which OpenAPI 3.1 uses: published as `type: [..., 'null']` (and `null` in an enum).
 */
export function publishedSchema(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable') continue;
    if ((key === 'properties' || key === 'patternProperties') && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, publishedSchema(v as JsonSchema)]));
    } else if (['anyOf', 'oneOf', 'allOf', 'prefixItems'].includes(key) && Array.isArray(value)) {
      out[key] = value.map((v) => publishedSchema(v as JsonSchema));
    } else if (
      ['items', 'additionalProperties', 'not', 'contains'].includes(key) &&
      value &&
      typeof value === 'object'
    ) {
      out[key] = publishedSchema(value as JsonSchema);
    } else out[key] = value;
  }
  if (schema.nullable !== true) return out;
  if (out.type === undefined) return { anyOf: [out, { type: 'null' }] };
  const types = Array.isArray(out.type) ? out.type : [out.type];
  if (!types.includes('null')) out.type = [...types, 'null'];
  if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  return out;
}

/** `:id` → `{id}`, and the names of the path parameters. */
function openapiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const out = path.replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    params.push(name);
    return `{${name}}`;
  });
  return { path: out, params };
}

const pascal = (s: string) =>
  s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => (w[0] ?? '').toUpperCase() + w.slice(1))
    .join('');

/** Stable and derived from the route: GET /api/v1/crm/leads/:id → getCrmLeadsById. */
function operationId(method: string, path: string): string {
  const parts = path
    .replace(/^\/api\/v1\//, '')
    .split('/')
    .map((s) => (s.startsWith(':') ? `By${pascal(s.slice(1))}` : pascal(s)));
  return method.toLowerCase() + parts.join('');
}

/** The tag of a route: its addon, or the kernel's section (auth, core, api). */
/** A route with its schemas as a tenant with a given set of enabled addons sees them. */
type Route = Omit<RouteInfo, 'query' | 'body' | 'responses'> & {
  query?: JsonSchema;
  body?: JsonSchema;
  responses?: Readonly<Record<number, JsonSchema | null>>;
};

function resolved(r: RouteInfo, enabled: ReadonlySet<string>): Route {
  const { query, body, responses, ...rest } = r;
  return {
    ...rest,
    ...(query ? { query: shapedFor(query, enabled) } : {}),
    ...(body ? { body: shapedFor(body, enabled) } : {}),
    ...(responses ? { responses: shapedFor(responses, enabled) } : {}),
  };
}

function tagOf(r: Route): string {
  if (r.addon) return r.addon;
  const section = r.path.split('/')[3] ?? '';
  return section === 'auth' || section === 'core' ? section : 'api';
}

function queryParameters(schema: JsonSchema | undefined): unknown[] {
  const props = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: 'query',
      required: required.has(name),
      schema: publishedSchema(rest),
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function responses(r: Route, params: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const declared = r.responses ?? { 200: undefined };
  for (const [status, schema] of Object.entries(declared)) {
    out[status] =
      schema === null || schema === undefined
        ? { description: status === '204' ? 'No content' : 'OK' }
        : {
            description: status === '201' ? 'Created' : 'OK',
            content: {
              [schema.type === 'string' ? 'text/plain' : 'application/json']: { schema: publishedSchema(schema) },
            },
          };
  }
  // Every route refuses bad input (a NUL in any text, say), not only those with a schema.
  out['400'] = ref('BadRequest');
  if (!r.public) out['401'] = ref('Unauthorized');
  if (r.permission) out['403'] = ref('Forbidden');
  if (params.length) out['404'] = ref('NotFound');
  if (r.body) out['415'] = ref('UnsupportedMediaType');
  return out;
}

function operation(r: Route): { path: string; op: OpenApiOperation } {
  const { path, params } = openapiPath(r.path);
  const summary = r.summary ?? `${r.method} ${path}`;
  const who = r.permission
    ? `Requires the permission \`${r.permission}\`.`
    : r.public
      ? 'Public: needs no access token.'
      : 'Any signed-in user of the company.';
  const parameters = [
    ...params.map((name) => ({
      name,
      in: 'path',
      required: true,
      // Addon routes answer 404 for an `id`/`…Id` that is no uuid (see rest-router.ts).
      schema:
        r.addon && (name === 'id' || name.endsWith('Id')) ? { type: 'string', format: 'uuid' } : { type: 'string' },
    })),
    ...queryParameters(r.query),
  ];
  const body =
    r.bodyType === 'text'
      ? {
          required: true,
          content: { 'text/csv': { schema: { type: 'string' } }, 'text/plain': { schema: { type: 'string' } } },
        }
      : r.body
        ? {
            required: Array.isArray(r.body.required) && r.body.required.length > 0,
            content: { 'application/json': { schema: publishedSchema(r.body) } },
          }
        : null;
  const op: OpenApiOperation = {
    tags: [tagOf(r)],
    operationId: operationId(r.method, r.path),
    summary,
    description: who,
    ...(r.permission ? { 'x-permission': r.permission } : {}),
    ...(r.public ? { security: [] } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(body ? { requestBody: body } : {}),
    responses: responses(r, params),
  };
  return { path, op };
}

export interface OpenApiOptions {
  version: string;
  /** The server the document is served from (its origin); omitted in snapshots. */
  server?: string;
  /** Only this addon's routes and tag (an addon's snapshot). */
  only?: string;
}

/** The document for a tenant with `enabled` addons. Paths sorted, so it is stable for snapshots. */
export function buildOpenApi(
  routes: readonly RouteInfo[],
  addons: readonly AnyAddon[],
  enabled: ReadonlySet<string>,
  opts: OpenApiOptions,
): OpenApiDocument {
  const visible = routes
    .filter(
      (r) =>
        r.path.startsWith('/api/v1/') &&
        (r.addon ? enabled.has(r.addon) : true) &&
        (opts.only ? r.addon === opts.only : true),
    )
    .map((r) => resolved(r, enabled));
  const byPath = new Map<string, Record<string, OpenApiOperation>>();
  for (const r of visible) {
    const { path, op } = operation(r);
    const item = byPath.get(path) ?? {};
    item[r.method.toLowerCase()] = op;
    byPath.set(path, item);
  }
  const paths: OpenApiDocument['paths'] = {};
  for (const path of [...byPath.keys()].sort()) {
    const item = byPath.get(path) ?? {};
    paths[path] = Object.fromEntries(
      METHODS.map((m) => m.toLowerCase()).flatMap((m) => (item[m] ? [[m, item[m]] as const] : [])),
    );
  }
  const used = new Set(visible.map(tagOf));
  const kernelTags = [
    { name: 'auth', description: 'Sign-up, sign-in and tokens (public)' },
    { name: 'core', description: 'The platform: the caller, addons, settings, jobs, live events, branding, services' },
    { name: 'api', description: 'Descriptions of this API: OpenAPI and GraphQL SDL' },
  ];
  const addonTags = addons
    .filter((a) => enabled.has(a.id))
    .map((a) => ({ name: a.id, description: `${a.title} ${a.version}: ${a.description}` }));
  return {
    openapi: '3.1.0',
    info: {
      title: 'ElevateCRM REST API',
      version: opts.version,
      description:
        "The REST API of one company: the platform's routes and those of the addons it has enabled. " +
        'Errors share one shape (code, message, details). GraphQL: POST /graphql; its SDL at /api/v1/graphql.sdl.',
    },
    ...(opts.server ? { servers: [{ url: opts.server }] } : {}),
    security: [{ bearer: [] }],
    tags: [...kernelTags, ...addonTags].filter((t) => used.has(t.name)),
    paths,
    components: { ...COMPONENTS, schemas: { ...COMPONENTS.schemas, ...hoistNamedSchemas(paths) } },
  };
}

type SchemaNode = Record<string, unknown>;

/**
 * Schemas with a `title` (every model's row schema has one: `CrmContact`) are published once under
 * components.schemas and referenced with `$ref`, so generated clients get named types and the
 * document does not repeat a row per route. A second, different schema under a title already taken
 * stays inline. Rewrites `paths` in place; returns the named schemas.
 */
function hoistNamedSchemas(paths: OpenApiDocument['paths']): Record<string, SchemaNode> {
  const named: Record<string, SchemaNode> = {};
  const json = new Map<string, string>();
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: SchemaNode = {};
    for (const [k, v] of Object.entries(node as SchemaNode)) {
      out[k] =
        k === 'properties' && v && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v as SchemaNode).map(([p, s]) => [p, walk(s)]))
          : ['items', 'additionalProperties', 'oneOf', 'anyOf', 'allOf', 'not'].includes(k)
            ? walk(v)
            : v;
    }
    const title = out.title;
    if (typeof title !== 'string' || !/^[A-Za-z][A-Za-z0-9_]*$/.test(title)) return out;
    const text = JSON.stringify(out);
    const taken = json.get(title);
    if (taken === undefined) {
      json.set(title, text);
      named[title] = out;
    } else if (taken !== text) return out;
    return { $ref: `#/components/schemas/${title}` };
  };
  const content = (c: unknown) => {
    for (const media of Object.values((c as Record<string, { schema?: unknown }>) ?? {})) {
      if (media?.schema) media.schema = walk(media.schema);
    }
  };
  for (const item of Object.values(paths)) {
    for (const op of Object.values(item) as OpenApiOperation[]) {
      const o = op as unknown as {
        requestBody?: { content?: unknown };
        responses?: Record<string, { content?: unknown }>;
      };
      if (o.requestBody?.content) content(o.requestBody.content);
      for (const r of Object.values(o.responses ?? {})) if (r?.content) content(r.content);
    }
  }
  return Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b)));
}
