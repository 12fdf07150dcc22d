import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The API's error messages in the user's language (core/src/i18n/translate.ts); codes and paths stay.

let env: TestEnv;
let seq = 0;
const company = (): Promise<TestTenant> => env.tenant(`i18n-err-${++seq}`);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

const PREFS = '/api/v1/core/account/preferences';

describe('error messages in the user language', () => {
  it('a user who chose German gets German messages, the same code and paths; English stays for others', async () => {
    const t = await company();
    const member = await t.as('member');
    expect((await t.client.put(PREFS, { language: 'de' })).body.language).toBe('de');
    expect((await t.client.get('/api/v1/core/me')).body.user.language).toBe('de');

    const de = await t.client.put(PREFS, { timeZone: 'Mars/Olympus_Mons', theme: 'dark' });
    expect(de.status).toBe(400);
    expect(de.body.code).toBe('VALIDATION_FAILED');
    expect(de.body.message).toBe('Ungültige Einstellungen');
    expect(de.body.details).toEqual(
      expect.arrayContaining([
        { path: 'theme', message: 'ist kein bekanntes Feld' },
        { path: 'timeZone', message: 'muss eine IANA-Zeitzone wie "Europe/Berlin" oder null sein' },
      ]),
    );
    // Placeholders carry over: the values come from the English text.
    const denied = await t.client.put(PREFS, { language: 'fr' });
    expect(denied.body.details).toEqual([
      { path: 'language', message: 'muss einer dieser Werte oder null sein: en, de, es' },
    ]);

    // Another user of the same company (no language chosen) still reads English.
    const en = await member.put(PREFS, { theme: 'dark' });
    expect(en.body).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Invalid preferences' });
    expect(en.body.details).toEqual([{ path: 'theme', message: 'is not a known field' }]);
  });

  it('follows Accept-Language when the user chose no language, and the profile over it', async () => {
    const t = await company();
    const es = await t.client.request(
      'PUT',
      PREFS,
      { theme: 'dark' },
      { 'accept-language': 'es-MX,es;q=0.9,en;q=0.5' },
    );
    expect(es.body).toMatchObject({ code: 'VALIDATION_FAILED', message: 'Preferencias no válidas' });
    expect(es.body.details).toEqual([{ path: 'theme', message: 'no es un campo conocido' }]);
    // Unknown languages fall back to English.
    const fr = await t.client.request('PUT', PREFS, { theme: 'dark' }, { 'accept-language': 'fr-FR' });
    expect(fr.body.message).toBe('Invalid preferences');
    await t.client.put(PREFS, { language: 'de' });
    const de = await t.client.request('PUT', PREFS, { theme: 'dark' }, { 'accept-language': 'es' });
    expect(de.body.message).toBe('Ungültige Einstellungen');
    // Back to the browser's.
    expect((await t.client.put(PREFS, { language: null })).body.language).toBeNull();
  });

  it('translates the shared validation wording (ajv) of request bodies', async () => {
    const t = await company();
    await t.client.put(PREFS, { language: 'es' });
    const res = await t.client.post('/api/v1/core/teams', { name: 'x'.repeat(500), bogus: 1 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.details.length).toBeGreaterThan(0);
    for (const d of res.body.details as { message: string }[]) expect(d.message).not.toMatch(/^(must|is) /);
  });
});
