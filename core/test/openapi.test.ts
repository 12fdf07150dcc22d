import { join } from 'node:path';
import { discoverAddons, findWorkspaceRoot, type OpenApiDocument, PLATFORM_VERSION } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { satisfies } from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The tenant's API description: GET /api/v1/openapi.json (OpenAPI 3.1, the kernel's routes and
// the enabled addons'), GET /api/v1/graphql.sdl, and the reference pages (/api/v1/docs, GraphiQL).

let env: TestEnv;
let all: TestTenant;
let bare: TestTenant;
let journalOnly: TestTenant;
let ids: string[];

beforeAll(async () => {
  const root = findWorkspaceRoot();
  const addons = (await discoverAddons(root, [join(root, 'tests/fixtures/addons')])).filter((a) =>
    satisfies(PLATFORM_VERSION, a.platform),
  );
  ids = addons.map((a) => a.id);
  env = await bootTestKernel({ addons, workers: false });
  all = await env.tenant('oa-all', { enable: ids });
  bare = await env.tenant('oa-bare');
  journalOnly = await env.tenant('oa-journal', { enable: ['journal'] });
});
afterAll(() => env?.close());

async function documentOf(t: TestTenant): Promise<OpenApiDocument> {
  const res = await t.client.get('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  return res.body as OpenApiDocument;
}
const prefixes = (doc: OpenApiDocument) => [...new Set(Object.keys(doc.paths).map((p) => p.split('/')[3]))].sort();

describe('GET /api/v1/openapi.json', () => {
  it('passes an independent linter (Redocly, recommended rules) with zero errors', async () => {
    const doc = await documentOf(all);
    const problems = await lintFromString({
      source: JSON.stringify(doc),
      absoluteRef: `${env.url}/api/v1/openapi.json`,
      config: await createConfig({ extends: ['recommended'] }),
    });
    const errors = problems.filter((p) => p.severity === 'error');
    const summary = (ps: typeof problems) => ps.map((p) => `${p.ruleId}: ${p.message} @ ${p.location[0]?.pointer}`);
    expect(summary(errors)).toEqual([]);
    // Figures for the record (the report quotes them): size, paths, operations, warnings.
    const ops = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    console.info(
      `openapi (all addons): ${JSON.stringify(doc).length} bytes, ${Object.keys(doc.paths).length} paths, ${ops} operations, ${problems.length} warnings`,
    );
    // The one warning: the project declares no licence yet, and the document does not invent one.
    expect(problems.filter((p) => p.severity === 'warn').map((p) => p.ruleId)).toEqual(['info-license']);
  });

  it("shows each tenant the kernel's routes and only its enabled addons' routes", async () => {
    expect(prefixes(await documentOf(bare))).toEqual(['auth', 'core', 'graphql.sdl', 'openapi.json']);
    expect(prefixes(await documentOf(journalOnly))).toEqual(['auth', 'core', 'graphql.sdl', 'journal', 'openapi.json']);
    const full = await documentOf(all);
    // Every addon that mounts routes (some fixtures only bring widgets or schedules).
    const withRoutes = ids.filter((id) => env.kernel.routes().some((r) => r.addon === id));
    expect(withRoutes.length).toBeGreaterThan(3);
    for (const id of withRoutes) expect(prefixes(full)).toContain(id);
    // Addon tags in the kernel's (dependency) order.
    const inOrder = env.kernel.addons.map((a) => a.id).filter((id) => withRoutes.includes(id));
    expect((full.tags as { name: string }[]).map((t) => t.name)).toEqual(['auth', 'core', 'api', ...inOrder]);
  });

  it('describes each operation: tag, operationId, permission, parameters, body, error shape, security', async () => {
    const doc = await documentOf(journalOnly);
    const get = doc.paths['/api/v1/journal/entries/{id}']?.get as Record<string, unknown>;
    expect(get).toMatchObject({
      tags: ['journal'],
      operationId: 'getJournalEntriesById',
      'x-permission': 'journal.entry.read',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        403: { $ref: '#/components/responses/Forbidden' },
        404: { $ref: '#/components/responses/NotFound' },
      },
    });
    expect(get.description).toContain('journal.entry.read');
    const list = doc.paths['/api/v1/journal/entries']?.get as unknown as { parameters: { name: string }[] };
    expect(list.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining(['limit', 'offset', 'sort', 'q', 'fields', 'count']),
    );
    const create = doc.paths['/api/v1/journal/entries']?.post as Record<string, unknown>;
    expect(create).toMatchObject({ requestBody: { required: true }, responses: { 201: { description: 'Created' } } });
    expect(doc.paths['/api/v1/auth/login']?.post).toMatchObject({ security: [] });
    expect(doc.security).toEqual([{ bearer: [] }]);
    expect(doc.components).toMatchObject({
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: { required: ['code', 'message', 'details'] } },
    });
    expect(doc.servers).toEqual([{ url: env.url }]);
  });

  it('publishes the schemas that validate requests and shape responses (a real row matches its schema)', async () => {
    const doc = await documentOf(journalOnly);
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    type Op = {
      requestBody: { content: Record<string, { schema: object }> };
      responses: Record<string, { content: Record<string, { schema: object }> }>;
    };
    // Rows are published once under components.schemas ($ref): validate within the document.
    const inDoc = (schema: object | undefined) => ({ ...(schema ?? { not: {} }), components: doc.components });
    expect(Object.keys((doc.components as { schemas: object }).schemas)).toContain('JournalEntry');
    const create = doc.paths['/api/v1/journal/entries']?.post as unknown as Op;
    const input = { text: 'documented' };
    expect(ajv.validate(inDoc(create.requestBody.content['application/json']?.schema), input)).toBe(true);
    const res = await journalOnly.client.post('/api/v1/journal/entries', input);
    expect(res.status).toBe(201);
    const rowSchema = create.responses['201']?.content['application/json']?.schema;
    expect(rowSchema).toEqual({ $ref: '#/components/schemas/JournalEntry' });
    expect(ajv.validate(inDoc(rowSchema), res.body), ajv.errorsText()).toBe(true);
    const list = doc.paths['/api/v1/journal/entries']?.get as unknown as Op;
    const page = await journalOnly.client.get('/api/v1/journal/entries?fields=text');
    expect(
      ajv.validate(inDoc(list.responses['200']?.content['application/json']?.schema), page.body),
      ajv.errorsText(),
    ).toBe(true);
  });

  it('gives every kernel route a summary (none falls back to METHOD path)', () => {
    const doc = env.openapi([]);
    const missing = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item).flatMap(([m, op]) => (op.summary === `${m.toUpperCase()} ${path}` ? [`${m} ${path}`] : [])),
    );
    expect(missing).toEqual([]);
  });

  it('shows a member the same document as the owner: it describes the API, each operation names its permission', async () => {
    const member = await all.as('member');
    const res = await member.get('/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(await documentOf(all));
  });

  it('needs a signed-in user, and refuses parameters it does not take', async () => {
    const anon = await env.anonymous().get('/api/v1/openapi.json');
    expect(anon.status).toBe(401);
    expect(anon.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    const yaml = await all.client.get('/api/v1/openapi.json?format=yaml');
    expect(yaml.status).toBe(400);
    expect(yaml.body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'format', message: 'is not allowed' }],
    });
  });
});

describe('GET /api/v1/graphql.sdl', () => {
  it("answers the tenant's schema as text, the same SDL the schema snapshots use", async () => {
    const res = await fetch(`${env.url}/api/v1/graphql.sdl`, {
      headers: { authorization: `Bearer ${journalOnly.client.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await res.text()).toBe(env.graphqlSdl(['journal']));
    expect((await bare.client.get('/api/v1/graphql.sdl?x=1')).status).toBe(400);
    expect((await env.anonymous().get('/api/v1/graphql.sdl')).status).toBe(401);
  });
});

describe('reference pages', () => {
  it('/api/v1/docs serves Scalar from the platform itself (no CDN), under a same-origin CSP', async () => {
    const html = await fetch(`${env.url}/api/v1/docs`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    const text = await html.text();
    expect(text).not.toMatch(/(src|href)="https?:/);
    for (const asset of ['/api/v1/docs/scalar.js', '/api/v1/docs/docs.js']) {
      expect(text).toContain(`src="${asset}"`);
      const res = await fetch(`${env.url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('javascript');
      await res.arrayBuffer();
    }
  });

  it('GET /graphql in a browser is GraphiQL with its assets inlined; API clients still need a token', async () => {
    const page = await fetch(`${env.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('GraphiQL');
    expect(text).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    const api = await fetch(`${env.url}/graphql?query=%7B__typename%7D`, { headers: { accept: 'application/json' } });
    expect(api.status).toBe(401);
  });
});
