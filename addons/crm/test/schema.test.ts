import { type ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

describe('crm schema', () => {
  it('every crm table is tenant-safe: forced RLS, tenant_id in every key', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('GraphQL schema of a tenant with crm: changes show in review (update with vitest -u)', async () => {
    await expect(env.graphqlSdl(['crm'])).toMatchFileSnapshot('./__snapshots__/crm.graphql');
  });

  it('OpenAPI fragment of crm (its paths, sorted): changes show in review (update with vitest -u)', async () => {
    const doc = env.openapi(['crm'], { only: 'crm' });
    await expect(`${JSON.stringify(doc, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/crm.openapi.json');
  });

  it("a tenant's OpenAPI document has crm's paths only while crm is enabled for it", async () => {
    const paths = async (client: ApiClient) => {
      const res = await client.get('/api/v1/openapi.json');
      expect(res.status).toBe(200);
      return Object.keys((res.body as { paths: object }).paths);
    };
    const withCrm = await env.tenant('oa-crm', { enable: ['crm'] });
    const without = await env.tenant('oa-none');
    expect((await paths(withCrm.client)).filter((p) => p.startsWith('/api/v1/crm/')).length).toBeGreaterThan(0);
    expect((await paths(without.client)).filter((p) => p.startsWith('/api/v1/crm/'))).toEqual([]);
    await env.admin.disableAddon(withCrm.id, 'crm');
    expect((await paths(withCrm.client)).filter((p) => p.startsWith('/api/v1/crm/'))).toEqual([]);
  });
});

describe('crm response schemas', () => {
  it('real answers of the hand-written routes match the response schemas the OpenAPI document publishes', async () => {
    const t = await env.tenant('oa-rows', { enable: ['crm'] });
    const doc = env.openapi(['crm'], { only: 'crm' }) as unknown as {
      components: { schemas: Record<string, object> };
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
      >;
    };
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    const C = '/api/v1/crm';
    const check = async (
      method: 'get' | 'post' | 'patch',
      path: string,
      url: string,
      status: number,
      body?: unknown,
    ) => {
      const res =
        method === 'get'
          ? await t.client.get(url)
          : method === 'post'
            ? await t.client.post(url, body)
            : await t.client.patch(url, body);
      expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(status);
      const schema =
        doc.paths[`${C}${path}`]?.[method]?.responses[String(status)]?.content?.['application/json']?.schema;
      expect(schema, `${method} ${path} declares ${status}`).toBeDefined();
      // Named rows are published once under components.schemas: validate against the whole document.
      const withComponents = { ...(schema as object), components: doc.components };
      expect(ajv.validate(withComponents, res.body), `${method} ${path}: ${ajv.errorsText()}`).toBe(true);
      return res.body;
    };
    const tag = await check('post', '/tags', `${C}/tags`, 201, { name: 'vip', color: 'red' });
    const company = await check('post', '/contacts', `${C}/contacts`, 201, { kind: 'company', name: 'Initech' });
    const person = await check('post', '/contacts', `${C}/contacts`, 201, {
      name: 'Peter Gibbons',
      email: 'peter@initech.test',
      companyId: company.id,
      tagIds: [tag.id],
    });
    await check('get', '/contacts/{id}', `${C}/contacts/${person.id}`, 200);
    await check('get', '/contacts', `${C}/contacts?include=company,tags&count=true`, 200);
    await check('get', '/contacts/{id}/people', `${C}/contacts/${company.id}/people`, 200);
    await check('post', '/notes', `${C}/notes?contactId=${person.id}`, 201, { body: 'TPS reports' });
    await check('get', '/notes', `${C}/notes?contactId=${person.id}`, 200);
    const lead = await check('post', '/leads', `${C}/leads`, 201, {
      title: 'Stapler',
      companyName: 'Initech',
      value: '10.50',
    });
    await check('get', '/leads', `${C}/leads`, 200);
    await check('post', '/leads/{id}/convert', `${C}/leads/${lead.id}/convert`, 201, {});
    const opp = await check('post', '/opportunities', `${C}/opportunities`, 201, { title: 'Printer', value: '99.00' });
    await check('get', '/opportunities/{id}', `${C}/opportunities/${opp.id}`, 200);
    await check('post', '/opportunities/{id}/win', `${C}/opportunities/${opp.id}/win`, 200, {});
    const pipeline = await check('post', '/pipelines', `${C}/pipelines`, 201, { name: 'Renewals' });
    await check('get', '/pipelines', `${C}/pipelines`, 200);
    await check('patch', '/pipelines/{id}', `${C}/pipelines/${pipeline.id}`, 200, { name: 'Renewals 2' });
    await check('post', '/pipelines/{id}/stages', `${C}/pipelines/${pipeline.id}/stages`, 201, { name: 'Review' });
    const act = await check('post', '/activities', `${C}/activities`, 201, {
      kind: 'call',
      subject: 'Call Peter',
      contactId: person.id,
    });
    await check('get', '/activities', `${C}/activities`, 200);
    await check('post', '/activities/{id}/complete', `${C}/activities/${act.id}/complete`, 200, {});
    await check('post', '/segments', `${C}/segments`, 201, {
      name: 'Initech people',
      target: 'contact',
      filter: { companyId: company.id },
    });
    await check('get', '/segments', `${C}/segments`, 200);
    await check('post', '/scoring-rules', `${C}/scoring-rules`, 201, {
      field: 'source',
      operator: 'is_set',
      points: 5,
    });
    await check('get', '/scoring-rules', `${C}/scoring-rules`, 200);
    await check('get', '/tags', `${C}/tags?count=true`, 200);
  });
});
