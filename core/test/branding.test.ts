import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A 1×1 PNG.
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let env: TestEnv;
let seq = 0;
/** A fresh company per test, so tests pass in any order. */
const company = (): Promise<TestTenant> => env.tenant(`brand-${++seq}`);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

describe('tenant branding (white label)', () => {
  it('starts with the TECHGURU default and stores a logo and colour per tenant', async () => {
    const a = await company();
    expect((await a.client.get('/api/v1/core/branding')).body).toEqual({ logo: null, primaryColor: null });
    const put = await a.client.put('/api/v1/core/branding', { logo: PNG, primaryColor: '#0E7490' });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ logo: PNG, primaryColor: '#0e7490' });
    // Only the fields given change.
    expect((await a.client.put('/api/v1/core/branding', { primaryColor: null })).body).toEqual({
      logo: PNG,
      primaryColor: null,
    });
  });

  it("keeps tenants apart: B neither reads nor overwrites A's branding", async () => {
    const a = await company();
    const b = await company();
    await a.client.put('/api/v1/core/branding', { logo: PNG, primaryColor: '#112233' });
    expect((await b.client.get('/api/v1/core/branding')).body).toEqual({ logo: null, primaryColor: null });
    await b.client.put('/api/v1/core/branding', { primaryColor: '#445566' });
    expect((await a.client.get('/api/v1/core/branding')).body).toEqual({ logo: PNG, primaryColor: '#112233' });
    expect((await b.client.get('/api/v1/core/branding')).body).toEqual({ logo: null, primaryColor: '#445566' });
    const rows = await env.sql<{ tenant_id: string; primary_color: string }>(
      'select tenant_id, primary_color from core_branding where tenant_id = any($1::uuid[]) order by primary_color',
      [[a.id, b.id]],
    );
    expect(rows).toEqual([
      { tenant_id: a.id, primary_color: '#112233' },
      { tenant_id: b.id, primary_color: '#445566' },
    ]);
  });

  it('needs core.settings.manage to change it; every user may read it', async () => {
    const a = await company();
    const member = await a.as('member');
    expect((await member.get('/api/v1/core/branding')).status).toBe(200);
    const res = await member.put('/api/v1/core/branding', { primaryColor: '#000000' });
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('core.settings.manage');
    const admin = await a.as('admin');
    expect((await admin.put('/api/v1/core/branding', { primaryColor: '#123456' })).status).toBe(200);
  });

  it('refuses what is not a small image of the declared type, or a colour', async () => {
    const a = await company();
    const html = `data:image/png;base64,${Buffer.from('<html><script>alert(1)</script>').toString('base64')}`;
    const svg = `data:image/svg+xml;base64,${Buffer.from('<svg onload="alert(1)"></svg>').toString('base64')}`;
    const big = `data:image/png;base64,${Buffer.concat([Buffer.from(PNG.split(',')[1] as string, 'base64'), Buffer.alloc(300 * 1024)]).toString('base64')}`;
    for (const body of [
      { logo: 'https://example.com/logo.png' },
      { logo: html },
      { logo: svg },
      { logo: big },
      { primaryColor: 'red' },
      { theme: 'dark' },
    ]) {
      const res = await a.client.put('/api/v1/core/branding', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
    }
  });
});
