// The kernel hands adapter-node its settings while importing the handler, and leaves the process
// environment as it found it. The build here is a stand-in module that records what it read at
// import time, as adapter-node does.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWebHandler } from './web.ts';

const base = mkdtempSync(join(tmpdir(), 'elevate-web-handler-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function build(name: string): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'handler.js'),
    `const seen = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('ELEVATE_WEB_')));
export const handler = (req, res) => res.end(JSON.stringify(seen));`,
  );
  return dir;
}

async function seenBy(dir: string, opts?: Parameters<typeof loadWebHandler>[1]): Promise<Record<string, string>> {
  const handler = await loadWebHandler(dir, opts);
  let body = '';
  handler?.({} as never, { end: (s: string) => (body = s) } as never, () => {});
  return JSON.parse(body) as Record<string, string>;
}

describe('loadWebHandler', () => {
  it('gives the handler the options it was called with, and writes nothing to process.env', async () => {
    const before = { ...process.env };
    expect(await seenBy(build('a'), { bodySizeLimit: '3M', protocolHeader: 'x-p', hostHeader: 'x-h' })).toEqual({
      ELEVATE_WEB_BODY_SIZE_LIMIT: '3M',
      ELEVATE_WEB_PROTOCOL_HEADER: 'x-p',
      ELEVATE_WEB_HOST_HEADER: 'x-h',
    });
    expect(process.env).toEqual(before);
  });

  it('uses the kernel defaults (the API body limit, the kernel-set headers) without options', async () => {
    expect(await seenBy(build('b'))).toEqual({
      ELEVATE_WEB_BODY_SIZE_LIMIT: '26M',
      ELEVATE_WEB_PROTOCOL_HEADER: 'x-elevate-proto',
      ELEVATE_WEB_HOST_HEADER: 'x-elevate-host',
    });
    expect(Object.keys(process.env).filter((k) => k.startsWith('ELEVATE_WEB_'))).toEqual([]);
  });

  it('answers null where there is no build', async () => {
    expect(await loadWebHandler(join(base, 'none'))).toBeNull();
  });
});
