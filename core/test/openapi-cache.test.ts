import { join } from 'node:path';
import { discoverAddons, findWorkspaceRoot, PLATFORM_VERSION } from '@elevate/core';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { satisfies } from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// /api/v1/openapi.json and /api/v1/graphql.sdl are built and serialised once per set of enabled
// addons (and origin): repeated requests get the same bytes and ETag; enabling an addon changes them.
let env: TestEnv;
let t: TestTenant;
let other: TestTenant;
let third: TestTenant;

beforeAll(async () => {
  const root = findWorkspaceRoot();
  const addons = (await discoverAddons(root, [join(root, 'tests/fixtures/addons')])).filter((a) =>
    satisfies(PLATFORM_VERSION, a.platform),
  );
  env = await bootTestKernel({ addons, workers: false });
  t = await env.tenant('oac-a', { enable: ['journal'] });
  other = await env.tenant('oac-b', { enable: ['journal'] });
  third = await env.tenant('oac-c', { enable: ['journal'] });
});
afterAll(() => env?.close());

const raw = async (tenant: TestTenant, path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${env.url}${path}`, {
    headers: { authorization: `Bearer ${tenant.client.token}`, ...headers },
  });
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    type: res.headers.get('content-type'),
    text: await res.text(),
  };
};

describe('API description cache', () => {
  it('answers the same document (bytes and ETag) again, and 304 to If-None-Match', async () => {
    const first = await raw(other, '/api/v1/openapi.json');
    expect(first.status).toBe(200);
    expect(first.type).toMatch(/^application\/json/);
    expect(first.etag).toMatch(/^"[\w-]+"$/);
    const t0 = performance.now();
    for (let i = 0; i < 19; i++) await raw(other, '/api/v1/openapi.json');
    const again = await raw(other, '/api/v1/openapi.json');
    const ms = (performance.now() - t0) / 20;
    expect(again.text === first.text).toBe(true);
    expect(again.etag).toBe(first.etag);
    console.info(`openapi.json again: ${ms.toFixed(1)} ms a request (mean of 20), ${first.text.length} bytes`);
    // Another tenant with the same addons gets the same document.
    expect((await raw(third, '/api/v1/openapi.json')).text === first.text).toBe(true);
    const notModified = await raw(other, '/api/v1/openapi.json', { 'if-none-match': first.etag ?? '' });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    const sdl = await raw(other, '/api/v1/graphql.sdl');
    expect(sdl.status).toBe(200);
    expect((await raw(other, '/api/v1/graphql.sdl')).text === sdl.text).toBe(true);
  });

  it('changes when an addon is enabled for the tenant (and ETag with it)', async () => {
    const before = await raw(t, '/api/v1/openapi.json');
    const sdlBefore = await raw(t, '/api/v1/graphql.sdl');
    expect(before.text.includes('/api/v1/projects/')).toBe(false);
    const enabled = await t.client.graphql('mutation { enableAddon(id: "projects") }');
    expect(enabled.body.errors).toBeUndefined();
    // The enabled set is cached for a while per process; the testkit clears it on enable.
    let after = await raw(t, '/api/v1/openapi.json');
    for (let i = 0; i < 50 && !after.text.includes('/api/v1/projects/'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      after = await raw(t, '/api/v1/openapi.json');
    }
    expect(after.text.includes('/api/v1/projects/')).toBe(true);
    expect(after.etag).not.toBe(before.etag);
    expect((await raw(t, '/api/v1/openapi.json', { 'if-none-match': before.etag ?? '' })).status).toBe(200);
    const sdlAfter = await raw(t, '/api/v1/graphql.sdl');
    expect(sdlAfter.text === sdlBefore.text).toBe(false);
    expect(sdlAfter.text.includes('createProject')).toBe(true);
    // The other tenant still sees its own set.
    expect((await raw(other, '/api/v1/openapi.json')).text === before.text).toBe(true);
  });
});
