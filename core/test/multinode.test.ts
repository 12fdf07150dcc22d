import { createKernel, type KernelInternals, loadConfig } from '@elevate/core';
import { type ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two processes of one deployment: an API node (the test kit's kernel) and a second kernel,
// as the CLI would run it, on the same database and Redis prefix.
let env: TestEnv;
let cli: KernelInternals;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects], workers: false });
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_PREFIX: env.redisPrefix,
    LOG_LEVEL: 'silent',
  });
  cli = await createKernel({ config: { ...config, workers: false }, addons: [projects] });
});
afterAll(async () => {
  await cli?.stop();
  await env?.close();
});

async function until(check: () => Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe('addon changes reach every node', () => {
  it('an addon enabled or disabled by another process takes effect at once, not after the cache TTL', async () => {
    const t = await env.tenant('nodes');
    const client: ApiClient = t.client;
    expect((await client.get('/api/v1/projects/projects')).status).toBe(404); // cached: not enabled
    await cli.tenantAddons.enable(t.id, 'projects');
    expect(await until(async () => (await client.get('/api/v1/projects/projects')).status === 200)).toBe(true);
    await cli.tenantAddons.disable(t.id, 'projects');
    expect(await until(async () => (await client.get('/api/v1/projects/projects')).status === 404)).toBe(true);
  });
});
