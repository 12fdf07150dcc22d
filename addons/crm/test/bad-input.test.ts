import { randomUUID } from 'node:crypto';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// The bad inputs a new user met in crm, each answered 4xx with a code and the field it names
// (core/test/bad-input.test.ts sends every class of bad value to every route; this names them).

let env: TestEnv;
let t: TestTenant;
let api: ApiClient;
let foreignUser: string;
const C = '/api/v1/crm';

type ErrorBody = { code: string; message: string; details: { path?: string; message: string }[] };

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('bad-crm', { enable: ['crm'] });
  api = t.client;
  const other = await env.tenant('bad-crm-other', { enable: ['crm'] });
  foreignUser = ((await other.client.get('/api/v1/core/me')).body as { user: { id: string } }).user.id;
});
afterAll(() => env?.close());

async function refused(res: Promise<{ status: number; body: unknown }>, status: number, code: string, path?: string) {
  const r = await res;
  expect(r.status).toBe(status);
  const body = r.body as ErrorBody;
  expect(body.code).toBe(code);
  if (path)
    expect(
      body.details.map((d) => d.path),
      JSON.stringify(body),
    ).toContain(path);
  return body;
}

const upload = (body: string | Buffer<ArrayBuffer>, contentType = 'text/csv') =>
  fetch(`${env.url}${C}/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.token}`, 'content-type': contentType },
    body,
  }).then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }));

describe('crm refuses bad input naming the field', () => {
  it('a reference to a user that does not exist or belongs to another company', async () => {
    for (const ownerId of [randomUUID(), foreignUser]) {
      await refused(api.post(`${C}/leads`, { title: 'Lead', ownerId }), 400, 'REFERENCE_NOT_FOUND', 'ownerId');
    }
    const g = await api.graphql('mutation($i: CreateLeadInput!) { createLead(input: $i) { id } }', {
      i: { title: 'Lead', ownerId: foreignUser },
    });
    expect(g.status).toBeLessThan(500);
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'REFERENCE_NOT_FOUND', status: 400 });
    expect(g.body.errors[0].extensions.details[0].path).toBe('ownerId');
  });

  it('text with a NUL character', async () => {
    await refused(api.post(`${C}/contacts`, { kind: 'company', name: 'Acme\u0000' }), 400, 'VALIDATION_FAILED', 'name');
    const g = await api.graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { id } }', {
      i: { kind: 'company', name: 'Acme\u0000' },
    });
    expect(g.status).toBe(400);
    expect(g.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(g.body.errors[0].extensions.details[0].path).toBe('i.name');
  });

  it('numbers no list can hold', async () => {
    await refused(api.get(`${C}/contacts?offset=99999999999999999999`), 400, 'VALIDATION_FAILED', 'offset');
    await refused(api.get(`${C}/leads?minScore=1e400`), 400, 'VALIDATION_FAILED', 'minScore');
    await refused(api.get(`${C}/export/leads.csv?minScore=1e400`), 400, 'VALIDATION_FAILED', 'minScore');
  });

  it('tag ids that are not uuids, and filters the list does not have', async () => {
    await refused(api.get(`${C}/contacts?tagIds=not-a-uuid`), 400, 'VALIDATION_FAILED', 'tagIds');
    await refused(api.get(`${C}/opportunities?email=a@b.c`), 400, 'VALIDATION_FAILED', 'email');
    await refused(api.get(`${C}/export/opportunities.csv?email=a@b.c`), 400, 'VALIDATION_FAILED', 'email');
    // The filter language refuses a key the target lacks wherever it comes from (GraphQL, segments).
    const g = await api.graphql('{ opportunities(filter: { q: "x" }) { totalCount } }');
    expect(g.body.errors, JSON.stringify(g.body.errors)).toBeUndefined();
  });

  it('a CSV saved as UTF-16, holding NUL bytes, or 100,000 columns wide', async () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('name,email\nAda,ada@example.com\n', 'utf16le'),
    ]);
    await refused(upload(utf16), 415, 'UNSUPPORTED_ENCODING', 'body');
    await refused(upload('name,email\nA\u0000da,ada@example.com\n'), 400, 'VALIDATION_FAILED', 'body');
    const wide = `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n${'x,'.repeat(99_999)}x\n`;
    const body = await refused(upload(wide), 400, 'VALIDATION_FAILED', 'body');
    expect(body.details[0]?.message).toMatch(/more than 500 columns/);
  });

  it('GraphQL variables of the wrong type are the client’s error', async () => {
    const wrongId = await api.graphql('query($id: ID!) { contact(id: $id) { id } }', { id: true });
    expect(wrongId.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const wrongName = await api.graphql('mutation($i: CreateContactInput!) { createContact(input: $i) { id } }', {
      i: { kind: 'company', name: [] },
    });
    expect(wrongName.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(wrongName.body.errors[0].message).toMatch(/name/);
  });
});
