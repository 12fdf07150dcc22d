import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createKernel, findWorkspaceRoot, loadConfig, PLATFORM_VERSION } from '@elevate/core';
import { future } from '@elevate-fixture/future';
import { projects } from '@elevate-fixture/projects';
import { describe, expect, it } from 'vitest';

// The kernel checks ranges before it opens any connection, so no database is needed here.
const config = () =>
  loadConfig({ NODE_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/unused', LOG_LEVEL: 'silent' });

const refusal = `Addon "future" was written for platform ^2.0.0, but this platform is ${PLATFORM_VERSION}: install a version of "future" made for platform ${PLATFORM_VERSION}`;

describe('platform range', () => {
  it('the kernel refuses to boot an addon written for another major platform, naming addon, range and version', async () => {
    await expect(createKernel({ config: config(), addons: [projects, future] })).rejects.toMatchObject({
      code: 'ADDON_PLATFORM_MISMATCH',
      message: refusal,
    });
  });

  it('refuses it when it is discovered as an installed package too', async () => {
    const c = config();
    const withFuture = { ...c, addonPaths: [join(findWorkspaceRoot(), 'tests/fixtures/addons/future')] };
    await expect(createKernel({ config: withFuture })).rejects.toMatchObject({
      code: 'ADDON_PLATFORM_MISMATCH',
      message: refusal,
    });
  });

  it('is the version of the SDK package addons are written against', async () => {
    const sdk = JSON.parse(await readFile(join(findWorkspaceRoot(), 'sdk/package.json'), 'utf8')) as {
      version: string;
    };
    expect(PLATFORM_VERSION).toBe(sdk.version);
  });
});
