import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Custom-field definitions are kept between requests under the tenant's stamp, which the request's
// opening statement reads: the kept copy saves a statement per request, and any change — through
// the API or written by another server straight into the table — shows at the very next request.
let env: TestEnv;
const C = '/api/v1/crm/contacts';
const F = '/api/v1/core/custom-fields';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
});
afterAll(() => env?.close());

const statements = (res: { headers: Headers }) => Number(res.headers.get('x-db-statements'));

describe('custom-field definitions kept between requests', () => {
  it('cost no statement while unchanged, and a change by the API or by another server shows at once', async () => {
    const t = await env.tenant('cf-stamp', { enable: ['crm'] });
    const field = await t.client.post(F, { model: 'crm.contact', key: 'tier', label: 'Tier', type: 'text' });
    expect(field.status).toBe(201);
    const member = await t.as('member');
    const made = await member.post(C, { name: 'Ada', custom: { tier: 'gold' } });
    expect(made.status).toBe(201);

    const first = await member.get(C);
    const second = await member.get(C);
    expect(second.status).toBe(200);
    expect(second.body.data[0].custom).toEqual({ tier: 'gold' });
    // The create read the definitions under the current stamp; the lists reuse them.
    expect(statements(second)).toBe(statements(first));

    // Another server limits the field to admins, writing the table directly (no message reaches
    // this process): the member's very next list no longer shows the value.
    await env.sql(`update core_custom_field set visible_to = '{admin}', updated_at = clock_timestamp() where id = $1`, [
      field.body.id,
    ]);
    const hidden = await member.get(C);
    expect(hidden.body.data[0].custom).toEqual({});
    // That request read the definitions again, and the member's roles (a field is limited now): two
    // statements more; the next one reuses the definitions and reads only the roles.
    expect(statements(hidden)).toBe(statements(first) + 2);
    expect(statements(await member.get(C))).toBe(statements(first) + 1);

    // A field added through the API is there at the next request, for a key's requests too.
    const region = await t.client.post(F, { model: 'crm.contact', key: 'region', label: 'Region', type: 'text' });
    expect(region.status).toBe(201);
    const key = await t.client.post('/api/v1/core/api-keys', { name: 'stamp test', permissions: ['crm.*'] });
    expect(key.status, JSON.stringify(key.body)).toBe(201);
    const patched = await member.patch(`${C}/${made.body.id}`, { custom: { region: 'EMEA' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const withKey = await fetch(`${env.url}${C}/${made.body.id}`, {
      headers: { authorization: `Bearer ${key.body.key}` },
    });
    expect(withKey.status).toBe(200);
    // The key holds crm.* only, not core.customfields.manage: the admins' field stays hidden from it.
    expect(((await withKey.json()) as { custom: Record<string, unknown> }).custom).toEqual({ region: 'EMEA' });
    const [stored] = await env.sql<{ custom: unknown }>('select custom from crm_contact where id = $1', [made.body.id]);
    expect(stored?.custom).toEqual({ tier: 'gold', region: 'EMEA' });

    // Another tenant's change leaves this tenant's kept definitions alone, and the other way round.
    const other = await env.tenant('cf-stamp-other', { enable: ['crm'] });
    expect(
      (await other.client.post(F, { model: 'crm.contact', key: 'tier', label: 'Tier', type: 'text' })).status,
    ).toBe(201);
    const otherList = await other.client.get(C);
    expect(otherList.body.data).toEqual([]);
    const still = await member.get(C);
    expect(still.body.data[0].custom).toEqual({ region: 'EMEA' });
  });
});
