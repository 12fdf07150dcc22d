import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { mailer, mailLog, mailSmtp, shop, stock } from '@elevate-fixture/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [stock, shop, mailer, mailSmtp, mailLog], workers: false });
});
afterAll(async () => {
  await env?.close();
});

describe('a service provided by one addon and injected into another', () => {
  it('resolves per request, in the tenant, with the request context', async () => {
    const t = await env.tenant('svc-shop', { enable: ['shop'] });
    expect((await t.client.put('/api/v1/core/addons/stock/settings', { levels: { apple: 7 } })).status).toBe(200);
    const first = await t.client.get('/api/v1/shop/availability/apple');
    expect(first.status).toBe(200);
    const me = await t.client.get('/api/v1/core/me');
    expect(first.body).toMatchObject({ sku: 'apple', level: 7, tenant: 'svc-shop', caller: me.body.user.id });
    // One instance within a request, a new one in the next.
    expect(first.body.sameInRequest).toBe(true);
    const second = await t.client.get('/api/v1/shop/availability/apple');
    expect(second.body.instance).not.toBe(first.body.instance);

    // Another tenant gets its own instance with its own data.
    const other = await env.tenant('svc-shop-2', { enable: ['shop'] });
    const theirs = await other.client.get('/api/v1/shop/availability/apple');
    expect(theirs.body).toMatchObject({ level: 0, tenant: 'svc-shop-2' });
  });
});

describe('an interface several addons implement', () => {
  it('fails with a typed error when no enabled addon provides it, and needs a choice when several do', async () => {
    const t = await env.tenant('svc-mail', { enable: ['mailer'] });
    const none = await t.client.post('/api/v1/mailer/send', { to: 'a@b.test' });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({
      code: 'SERVICE_NOT_ENABLED',
      message: 'The service "mailer.transport" needs one of these addons enabled: mail_log, mail_smtp',
    });
    expect((await t.client.get('/api/v1/mailer/transport')).body).toEqual({ name: null });
    expect((await t.client.get('/api/v1/mailer/transports')).body).toEqual({ all: [] });

    await env.kernel.tenantAddons.enable(t.id, 'mail_smtp');
    expect((await t.client.post('/api/v1/mailer/send', { to: 'a@b.test' })).body).toEqual({
      sent: 'smtp:svc-mail:a@b.test',
    });

    await env.kernel.tenantAddons.enable(t.id, 'mail_log');
    const ambiguous = await t.client.post('/api/v1/mailer/send', { to: 'a@b.test' });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body.code).toBe('SERVICE_NOT_CHOSEN');
    expect(ambiguous.body.message).toMatch(/mail_log, mail_smtp/);
    expect((await t.client.get('/api/v1/mailer/transports')).body.all).toEqual(['mail_log:log', 'mail_smtp:smtp']);

    const chose = await t.client.put('/api/v1/core/services/mailer.transport', { addon: 'mail_log' });
    expect(chose.status).toBe(200);
    expect(chose.body).toMatchObject({ id: 'mailer.transport', chosen: 'mail_log', active: 'mail_log' });
    expect((await t.client.post('/api/v1/mailer/send', { to: 'a@b.test' })).body).toEqual({ sent: 'log:a@b.test' });

    // The chosen addon disabled: the one still enabled answers.
    await env.kernel.tenantAddons.disable(t.id, 'mail_log');
    expect((await t.client.post('/api/v1/mailer/send', { to: 'a@b.test' })).body).toEqual({
      sent: 'smtp:svc-mail:a@b.test',
    });
    // The choice belongs to this tenant only.
    const other = await env.tenant('svc-mail-2', { enable: ['mail_smtp', 'mail_log'] });
    expect((await other.client.post('/api/v1/mailer/send', { to: 'x@y.test' })).body.code).toBe('SERVICE_NOT_CHOSEN');
  });

  it('validates the choice and needs core.addons.manage', async () => {
    const t = await env.tenant('svc-choose', { enable: ['mail_smtp'] });
    const put = (body: unknown) => t.client.put('/api/v1/core/services/mailer.transport', body);
    expect((await put({})).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'addon' }] });
    expect((await put({ addon: 'stock' })).body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ path: 'addon' }],
    });
    expect((await put({ addon: 'mail_log' })).status).toBe(409);
    expect((await t.client.put('/api/v1/core/services/nope.nothing', { addon: 'mail_log' })).status).toBe(404);
    const member = await t.as('member');
    expect((await member.put('/api/v1/core/services/mailer.transport', { addon: 'mail_smtp' })).status).toBe(403);
    const list = await member.get('/api/v1/core/services');
    expect(list.body.data).toEqual([
      {
        id: 'mailer.transport',
        providers: [
          { addon: 'mail_log', enabled: false },
          { addon: 'mail_smtp', enabled: true },
        ],
        chosen: null,
        active: 'mail_smtp',
      },
      { id: 'stock.levels', providers: [{ addon: 'stock', enabled: false }], chosen: null, active: null },
    ]);
  });
});
