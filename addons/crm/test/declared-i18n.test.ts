import { readFileSync } from 'node:fs';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// What crm declares in English (its title and description, its permission titles) is shown in the
// reader's language from its server catalogue (src/messages): the marketplace and the role editor.

const catalogue = (dir: string, lang: string) =>
  JSON.parse(readFileSync(new URL(`${dir}/${lang}.json`, import.meta.url), 'utf8')) as Record<string, string>;
const de = catalogue('../src/messages', 'de');
const coreDe = catalogue('../../../core/src/admin/messages', 'de');

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm] });
});
afterAll(() => env?.close());

describe('declared texts in the reader’s language', () => {
  it('the marketplace and the permission table in German for a German owner, in English for others', async () => {
    const t = await env.tenant('decl-i18n', { enable: ['crm'] });
    const member = await t.as('member', 'mo@decl-i18n.test');
    const admin = await t.as('admin', 'ann@decl-i18n.test');
    expect((await t.client.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);

    type Status = { id: string; title: string; description: string };
    const addons = (await t.client.get('/api/v1/core/addons')).body.data as Status[];
    expect(addons.find((a) => a.id === 'crm')).toMatchObject({
      title: de['addon.title'],
      description: de['addon.description'],
    });
    expect(de['addon.description']).not.toBe(crm.description);
    const english = (await member.get('/api/v1/core/addons')).body.data as Status[];
    expect(english.find((a) => a.id === 'crm')).toMatchObject({ title: crm.title, description: crm.description });

    type Group = { addon: string; title: string; permissions: { key: string; title: string }[] };
    const table = (await t.client.get('/api/v1/core/permissions')).body.data as Group[];
    const crmGroup = table.find((g) => g.addon === 'crm');
    const read = crmGroup?.permissions.find((p) => p.key === 'crm.contact.read');
    expect(read?.title).toBe(de['permission.crm.contact.read']);
    expect(read?.title).not.toBe(crm.permissions['crm.contact.read']?.title);
    // Every crm permission has its German title; the core's group and rows too.
    for (const p of crmGroup?.permissions ?? []) expect(p.title).toBe(de[`permission.${p.key}`]);
    const core = table.find((g) => g.addon === 'core');
    expect(core?.title).toBe(coreDe['group.core']);
    for (const p of core?.permissions ?? []) expect(p.title).toBe(coreDe[`permission.${p.key}`]);

    const en = (await admin.get('/api/v1/core/permissions')).body.data as Group[];
    expect(en.find((g) => g.addon === 'core')?.title).toBe('Administration');
    expect(en.find((g) => g.addon === 'crm')?.permissions.find((p) => p.key === 'crm.contact.read')?.title).toBe(
      crm.permissions['crm.contact.read']?.title,
    );
  });
});
