import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
let seq = 0;
const company = (): Promise<TestTenant> => env.tenant(`prefs-${++seq}`);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

describe("a user's locale and time zone", () => {
  it('start empty (the browser decides), are set by the user and come with /me', async () => {
    const t = await company();
    expect((await t.client.get('/api/v1/core/account/preferences')).body).toEqual({
      locale: null,
      timeZone: null,
      language: null,
    });
    expect((await t.client.get('/api/v1/core/me')).body.user).toMatchObject({
      locale: null,
      timeZone: null,
      language: null,
    });
    const put = await t.client.put('/api/v1/core/account/preferences', {
      locale: 'de-de',
      timeZone: 'America/Los_Angeles',
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ locale: 'de-DE', timeZone: 'America/Los_Angeles', language: null });
    // Only the field given changes; an alias ICU knows is kept as written.
    expect((await t.client.put('/api/v1/core/account/preferences', { timeZone: 'Asia/Kolkata' })).body).toEqual({
      locale: 'de-DE',
      timeZone: 'Asia/Kolkata',
      language: null,
    });
    const me = await t.client.get('/api/v1/core/me');
    expect(me.body.user).toMatchObject({ locale: 'de-DE', timeZone: 'Asia/Kolkata' });
    // Read with the user in the request's opening statement: /me still costs one round trip.
    expect(Number(me.headers.get('x-db-statements'))).toBe(1);
    expect((await t.client.put('/api/v1/core/account/preferences', { locale: null })).body.locale).toBeNull();
  });

  it('are per user: another user of the company, or of another company, is not changed', async () => {
    const a = await company();
    const b = await company();
    const member = await a.as('member');
    await member.put('/api/v1/core/account/preferences', { timeZone: 'Asia/Kolkata' });
    expect((await member.get('/api/v1/core/me')).body.user.timeZone).toBe('Asia/Kolkata');
    expect((await a.client.get('/api/v1/core/me')).body.user.timeZone).toBeNull();
    expect((await b.client.get('/api/v1/core/me')).body.user.timeZone).toBeNull();
  });

  it('refuses what no formatter knows, naming the field, and changes nothing', async () => {
    const t = await company();
    await t.client.put('/api/v1/core/account/preferences', { locale: 'fr-FR', timeZone: 'Europe/Paris' });
    for (const [body, field] of [
      [{ timeZone: 'Mars/Olympus_Mons' }, 'timeZone'],
      [{ timeZone: 5 }, 'timeZone'],
      [{ locale: 'not a locale' }, 'locale'],
      [{ locale: 'x'.repeat(40) }, 'locale'],
      [{ theme: 'dark' }, 'theme'],
      [{ language: 'fr' }, 'language'],
      [{ language: 'de-DE' }, 'language'],
    ] as const) {
      const res = await t.client.put('/api/v1/core/account/preferences', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect((await t.client.get('/api/v1/core/account/preferences')).body).toEqual({
      locale: 'fr-FR',
      timeZone: 'Europe/Paris',
      language: null,
    });
    expect((await env.anonymous().get('/api/v1/core/account/preferences')).status).toBe(401);
  });
});
