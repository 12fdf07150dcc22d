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
const automationDe = catalogue('../../../core/src/automation/messages', 'de');

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

    // Seeded roles under their seeded names are named in the reader's language; a renamed one keeps its name.
    type Role = { id: string; key: string; name: string };
    const roles = (await t.client.get('/api/v1/core/roles')).body.data as Role[];
    expect(roles.find((r) => r.key === 'owner')?.name).toBe(coreDe['role.owner']);
    expect(roles.find((r) => r.key === 'member')?.name).toBe(coreDe['role.member']);
    const memberRole = roles.find((r) => r.key === 'member') as Role;
    expect((await t.client.patch(`/api/v1/core/roles/${memberRole.id}`, { name: 'Field sales' })).status).toBe(200);
    const renamed = (await t.client.get('/api/v1/core/roles')).body.data as Role[];
    expect(renamed.find((r) => r.key === 'member')?.name).toBe('Field sales');
    const enRoles = (await admin.get('/api/v1/core/roles')).body.data as Role[];
    expect(enRoles.find((r) => r.key === 'owner')?.name).toBe('Owner');

    const en = (await admin.get('/api/v1/core/permissions')).body.data as Group[];
    expect(en.find((g) => g.addon === 'core')?.title).toBe('Administration');
    expect(en.find((g) => g.addon === 'crm')?.permissions.find((p) => p.key === 'crm.contact.read')?.title).toBe(
      crm.permissions['crm.contact.read']?.title,
    );
  });

  it('the rule builder’s triggers, actions and their parameters in German for a German owner', async () => {
    const t = await env.tenant('decl-wf', { enable: ['crm'] });
    const admin = await t.as('admin', 'ann@decl-wf.test');
    expect((await t.client.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    type Entry = {
      name: string;
      title: string;
      description?: string;
      params?: { properties?: Record<string, { title?: string }> };
    };
    type Catalog = { triggers: Entry[]; actions: Entry[] };
    const catalog = (await t.client.get('/api/v1/core/automation/catalog')).body as Catalog;
    const tag = catalog.actions.find((a) => a.name === 'crm.add_tag');
    expect(tag?.title).toBe(de['action.crm.add_tag.title']);
    expect(tag?.description).toBe(de['action.crm.add_tag.description']);
    expect(tag?.params?.properties?.tag?.title).toBe(de['action.crm.add_tag.param.tag.title']);
    expect(catalog.triggers.find((x) => x.name === 'crm.opportunity.won')?.title).toBe(
      de['trigger.crm.opportunity.won.title'],
    );
    expect(catalog.actions.find((a) => a.name === 'core.send_email')?.title).toBe(
      automationDe['action.core.send_email.title'],
    );
    expect(de['action.crm.add_tag.title']).not.toBe('Add a tag');
    // An English reader of the same company gets the declared English.
    const en = (await admin.get('/api/v1/core/automation/catalog')).body as Catalog;
    expect(en.actions.find((a) => a.name === 'crm.add_tag')?.title).toBe('Add a tag');
    expect(en.actions.find((a) => a.name === 'core.send_email')?.title).toBe('Send an email');
  });
});
