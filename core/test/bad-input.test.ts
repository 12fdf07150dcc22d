import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { discoverAddons, findWorkspaceRoot, PLATFORM_VERSION, type RouteInfo } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { satisfies } from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Bad input never answers 5xx. Every REST route the kernel mounts and every GraphQL query and
// mutation of every addon in the workspace (discovered, all enabled) gets each class of bad
// value: NUL in text, huge and non-finite numbers, non-uuid and unknown or foreign ids, wrong
// JSON types, unknown parameters, a non-JSON content type. Nothing here names a route.

const NUL = 'a\u0000b';
const HUGE = '99999999999999999999';
/** A JSON number no double holds: written into the body text as is (JSON.stringify cannot). */
const OVERFLOW = '1e400';
const OVERFLOW_MARK = '__overflow__';

let env: TestEnv;
let t: TestTenant;
let foreignUser: string;

beforeAll(async () => {
  const root = findWorkspaceRoot();
  // Every addon this platform can run (the `future` fixture is written for a platform that does not exist yet).
  const addons = (await discoverAddons(root, [join(root, 'tests/fixtures/addons')])).filter((a) =>
    satisfies(PLATFORM_VERSION, a.platform),
  );
  env = await bootTestKernel({ addons, workers: false });
  t = await env.tenant('bad-input', { enable: addons.map((a) => a.id) });
  const other = await env.tenant('bad-input-other', { enable: addons.map((a) => a.id) });
  foreignUser = ((await other.client.get('/api/v1/core/me')).body as { user: { id: string } }).user.id;
});
afterAll(() => env?.close());

interface Probe {
  label: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

interface Answer {
  status: number;
  text: string;
}

/** One request; a stream (server-sent events) is answered by its headers and then cancelled. */
async function send(p: Probe, token = t.client.token): Promise<Answer> {
  const res = await fetch(`${env.url}${p.path}`, {
    method: p.method,
    headers: {
      ...(p.body === undefined ? {} : { 'content-type': p.contentType ?? 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(p.body === undefined ? {} : { body: p.body }),
  });
  if (res.headers.get('content-type')?.includes('text/event-stream')) {
    await res.body?.cancel();
    return { status: res.status, text: '' };
  }
  return { status: res.status, text: await res.text() };
}

const json = (v: unknown) => JSON.stringify(v).replaceAll(`"${OVERFLOW_MARK}"`, OVERFLOW);

// ---- sample values from JSON Schemas (REST) ----

type Schema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  minimum?: number;
  minLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
};

function typeOf(s: Schema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
}

/** A value the schema accepts (ids are unknown uuids: a reference the database must refuse). */
function sample(s: Schema): unknown {
  const e = s.enum?.find((v) => v !== null);
  if (e !== undefined) return e;
  switch (typeOf(s)) {
    case 'integer':
    case 'number':
      return Math.max(s.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return Object.fromEntries((s.required ?? []).map((k) => [k, sample(s.properties?.[k] ?? {})]));
    default:
      if (s.format === 'uuid') return randomUUID();
      if (s.format === 'date-time') return new Date().toISOString();
      if (s.format === 'date') return '2024-01-02';
      if (s.format === 'email') return `x${randomUUID().slice(0, 8)}@example.com`;
      return `sample-${randomUUID().slice(0, 8)}`;
  }
}

/** The bad values for one body property. */
function badBodyValues(): [string, unknown][] {
  return [
    ['NUL text', NUL],
    ['huge number', Number(HUGE)],
    ['overflowing number', OVERFLOW_MARK],
    ['non-uuid', 'not-a-uuid'],
    ['unknown id', randomUUID()],
    ['foreign id', foreignUser],
    ['wrong type (boolean)', true],
    ['wrong type (array)', []],
    ['wrong type (object)', { a: 1 }],
  ];
}

const BAD_QUERY: [string, string][] = [
  ['NUL text', '%00'],
  ['huge number', HUGE],
  ['overflowing number', OVERFLOW],
  ['non-uuid', 'not-a-uuid'],
  ['unknown id', randomUUID()],
  ['negative', '-1'],
];

const BAD_PARAM: [string, string][] = [
  ['NUL', '%00'],
  ['non-uuid', 'not-a-uuid'],
  ['huge number', HUGE],
  ['unknown id', randomUUID()],
];

function withParams(path: string, override?: [string, string]): string {
  return path.replace(/:(\w+)/g, (_m, name: string) => (override?.[0] === name ? override[1] : randomUUID()));
}

function restProbes(route: RouteInfo): Probe[] {
  const out: Probe[] = [];
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const bodySchema = (route.body ?? {}) as Schema;
  const base = hasBody && route.bodyType !== 'text' ? (sample({ ...bodySchema, type: 'object' }) as object) : undefined;
  const baseBody =
    route.bodyType === 'text' ? 'name,email\nAda,ada@example.com\n' : base === undefined ? undefined : json(base);
  const at = (label: string, path: string, extra: Partial<Probe> = {}): Probe => ({
    label: `${route.method} ${route.path}: ${label}`,
    method: route.method,
    path,
    ...(baseBody === undefined ? {} : { body: baseBody }),
    ...(route.bodyType === 'text' ? { contentType: 'text/csv' } : {}),
    ...extra,
  });
  const path = withParams(route.path);

  for (const name of route.path.match(/:(\w+)/g) ?? []) {
    for (const [label, v] of BAD_PARAM) out.push(at(`${name} ${label}`, withParams(route.path, [name.slice(1), v])));
  }
  if (route.path.includes(':')) {
    out.push(at('foreign id in path', route.path.replace(/:(\w+)/g, foreignUser)));
  }

  const queryKeys = Object.keys((route.query as Schema | undefined)?.properties ?? {});
  for (const key of [...queryKeys, 'email']) {
    for (const [label, v] of BAD_QUERY) out.push(at(`query ${key} ${label}`, `${path}?${key}=${v}`));
  }

  if (hasBody && route.bodyType === 'text') {
    out.push(at('NUL bytes in text', path, { body: 'name,email\nA\u0000da,ada@example.com\n' }));
    out.push(at('JSON instead of text', path, { body: '{"a":1}', contentType: 'application/json' }));
    out.push(at('empty text', path, { body: '' }));
  } else if (hasBody) {
    const props = Object.keys(bodySchema.properties ?? {});
    for (const key of props.length ? props : ['name']) {
      for (const [label, v] of badBodyValues())
        out.push(at(`body ${key} ${label}`, path, { body: json({ ...base, [key]: v }) }));
    }
    for (const body of ['[]', '"text"', '12', 'null', '{"a":']) out.push(at(`body ${body}`, path, { body }));
    out.push(at('non-JSON content type', path, { body: 'a=b', contentType: 'text/plain' }));
    out.push(at('form content type', path, { body: 'a=b', contentType: 'application/x-www-form-urlencoded' }));
  }
  return out;
}

// ---- GraphQL: every field of Query and Mutation, from the served schema's introspection ----

interface TypeRef {
  kind: string;
  name: string | null;
  ofType: TypeRef | null;
}
interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
interface FullType {
  kind: string;
  name: string;
  fields: { name: string; args: InputValue[]; type: TypeRef }[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
}

const TYPE_REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECTION = `{ __schema { queryType { name } mutationType { name } types { kind name
  fields { name type { ${TYPE_REF} } args { name defaultValue type { ${TYPE_REF} } } }
  inputFields { name defaultValue type { ${TYPE_REF} } } enumValues { name } } } }`;

let types: Map<string, FullType>;

const typeName = (r: TypeRef): string =>
  r.kind === 'NON_NULL'
    ? `${typeName(r.ofType as TypeRef)}!`
    : r.kind === 'LIST'
      ? `[${typeName(r.ofType as TypeRef)}]`
      : (r.name as string);
const named = (r: TypeRef): TypeRef => (r.ofType ? named(r.ofType) : r);

function gqlSample(r: TypeRef): unknown {
  if (r.kind === 'NON_NULL') return gqlSample(r.ofType as TypeRef);
  if (r.kind === 'LIST') return [gqlSample(r.ofType as TypeRef)];
  const full = types.get(r.name as string);
  if (r.kind === 'INPUT_OBJECT') {
    return Object.fromEntries(
      (full?.inputFields ?? [])
        .filter((f) => f.type.kind === 'NON_NULL' && f.defaultValue === null)
        .map((f) => [f.name, gqlSample(f.type)]),
    );
  }
  if (r.kind === 'ENUM') return full?.enumValues?.[0]?.name;
  switch (r.name) {
    case 'ID':
      return randomUUID();
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date().toISOString();
    case 'Decimal':
      return '1';
    case 'JSON':
      return {};
    default:
      return `sample-${randomUUID().slice(0, 8)}`;
  }
}

/** The positions a bad value can go: each argument, and each field of an input object. */
function leaves(arg: InputValue): (string | number)[][] {
  const n = named(arg.type);
  const out: (string | number)[][] = [[arg.name]];
  if (n.kind === 'INPUT_OBJECT') {
    for (const f of types.get(n.name as string)?.inputFields ?? []) out.push([arg.name, f.name]);
  }
  return out;
}

function badGqlValues(): [string, unknown][] {
  return [
    ['wrong type (boolean)', true],
    ['wrong type (array)', []],
    ['wrong type (object)', { a: 1 }],
    ['huge number', Number(HUGE)],
    ['overflowing number', OVERFLOW_MARK],
    ['NUL text', NUL],
    ['non-uuid', 'not-a-uuid'],
    ['unknown id', randomUUID()],
    ['foreign id', foreignUser],
  ];
}

function set(obj: Record<string, unknown>, path: (string | number)[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(obj);
  let cur = copy as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) {
    if (typeof cur[k] !== 'object' || cur[k] === null || Array.isArray(cur[k])) cur[k] = {};
    cur = cur[k] as Record<string | number, unknown>;
  }
  cur[path[path.length - 1] as string] = v;
  return copy;
}

function graphqlProbes(op: 'query' | 'mutation', field: NonNullable<FullType['fields']>[number]): Probe[] {
  const vars = field.args.map((a) => `$${a.name}: ${typeName(a.type)}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  const leaf = ['SCALAR', 'ENUM'].includes(named(field.type).kind);
  const query = `${op}${vars ? ` (${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${leaf ? '' : ' { __typename }'} }`;
  const base = Object.fromEntries(field.args.map((a) => [a.name, gqlSample(a.type)]));
  const out: Probe[] = [];
  for (const a of field.args) {
    for (const path of leaves(a)) {
      for (const [label, v] of badGqlValues()) {
        out.push({
          label: `graphql ${field.name}(${path.join('.')}): ${label}`,
          method: 'POST',
          path: '/graphql',
          body: json({ query, variables: set(base, path, v) }),
        });
      }
    }
  }
  return out;
}

/** A server error: 5xx, or a GraphQL error that is INTERNAL or carries a 5xx status. */
function serverError(a: Answer): boolean {
  if (a.status >= 500) return true;
  try {
    const body = JSON.parse(a.text) as { errors?: { extensions?: { code?: string; status?: number } }[] };
    return (body.errors ?? []).some((e) => e.extensions?.code === 'INTERNAL' || (e.extensions?.status ?? 0) >= 500);
  } catch {
    return false;
  }
}

/** A client error names what was wrong: a code (REST body or GraphQL extensions). */
function hasCode(a: Answer): boolean {
  if (a.status < 400 && !a.text.includes('"errors"')) return true;
  try {
    const body = JSON.parse(a.text) as { code?: string; errors?: { extensions?: { code?: string } }[] };
    return typeof body.code === 'string' || (body.errors ?? []).every((e) => typeof e.extensions?.code === 'string');
  } catch {
    return false;
  }
}

async function run(probes: Probe[], token?: string | null) {
  const failures: string[] = [];
  const uncoded: string[] = [];
  // A few at a time: the answers do not depend on each other.
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const p = probes[next++] as Probe;
      const a = await send(p, token);
      if (serverError(a)) failures.push(`${p.label} -> ${a.status} ${a.text.slice(0, 160)}`);
      else if (!hasCode(a)) uncoded.push(`${p.label} -> ${a.status} ${a.text.slice(0, 160)}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  failures.sort();
  uncoded.sort();
  console.info(`${probes.length} bad requests, ${failures.length} answered 5xx/INTERNAL`);
  return { failures, uncoded };
}

describe('bad input on every route and operation', () => {
  it('finds the routes and operations from the kernel', () => {
    const routes = env.kernel.routes();
    expect(routes.some((r) => r.path === '/api/v1/auth/login')).toBe(true);
    for (const a of env.kernel.addons.filter((x) => x.rest)) expect(routes.some((r) => r.addon === a.id)).toBe(true);
  });

  it('never answers 5xx on REST', { timeout: 600_000 }, async () => {
    const probes = env.kernel.routes().flatMap(restProbes);
    const { failures, uncoded } = await run(probes);
    expect(failures).toEqual([]);
    expect(uncoded).toEqual([]);
  });

  it('never answers 5xx on the public auth routes without a token', { timeout: 120_000 }, async () => {
    const probes = env.kernel
      .routes()
      .filter((r) => r.path.startsWith('/api/v1/auth/'))
      .flatMap(restProbes);
    const { failures } = await run(probes, null);
    expect(failures).toEqual([]);
  });

  it('never answers INTERNAL on GraphQL', { timeout: 600_000 }, async () => {
    const res = await t.client.graphql(INTROSPECTION);
    const schema = (res.body as { data: { __schema: Record<string, unknown> } }).data.__schema as {
      queryType: { name: string };
      mutationType: { name: string } | null;
      types: FullType[];
    };
    types = new Map(schema.types.map((x) => [x.name, x]));
    const probes: Probe[] = [];
    for (const [op, type] of [
      ['query', schema.queryType.name],
      ['mutation', schema.mutationType?.name],
    ] as const) {
      for (const field of (type && types.get(type)?.fields) || []) probes.push(...graphqlProbes(op, field));
    }
    expect(probes.length).toBeGreaterThan(0);
    const { failures, uncoded } = await run(probes);
    expect(failures).toEqual([]);
    expect(uncoded).toEqual([]);
  });
});

describe('the kernel names what was wrong', () => {
  const body = (r: { body: unknown }) => r.body as { code: string; details: { path?: string }[] };

  it('NUL on login and sign-up, a NUL path, branding as text', async () => {
    const anon = env.anonymous();
    const login = await anon.post('/api/v1/auth/login', { tenant: 'x\u0000', email: 'a@b.c', password: 'x' });
    expect([login.status, body(login).code, body(login).details[0]?.path]).toEqual([
      400,
      'VALIDATION_FAILED',
      'tenant',
    ]);
    const signup = await anon.post('/api/v1/auth/signup', {
      company: 'A\u0000',
      slug: 'nul-co',
      email: 'a@b.c',
      password: 'long enough password',
    });
    expect([signup.status, body(signup).details[0]?.path]).toEqual([400, 'company']);
    const job = await t.client.get('/api/v1/core/jobs/%00');
    expect([job.status, body(job).details[0]?.path]).toEqual([400, 'path']);
    const branding = await t.client.request('PUT', '/api/v1/core/branding', 'primaryColor=#ffffff', {
      'content-type': 'text/plain',
    });
    expect([branding.status, body(branding).code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
  });

  it('a taken unique value is 409 naming the field; a missing reference is 400 naming it', async () => {
    const name = `topic-${randomUUID()}`;
    expect((await t.client.post('/api/v1/journal/topics', { name })).status).toBe(201);
    const again = await t.client.post('/api/v1/journal/topics', { name });
    expect([again.status, body(again).code, body(again).details[0]?.path]).toEqual([409, 'ALREADY_EXISTS', 'name']);
    for (const topic of [randomUUID(), foreignUser]) {
      const entry = await t.client.post('/api/v1/journal/entries', { text: 'x', topic });
      expect([entry.status, body(entry).code, body(entry).details[0]?.path]).toEqual([
        400,
        'REFERENCE_NOT_FOUND',
        'topicId',
      ]);
    }
  });
});
