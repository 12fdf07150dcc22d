import { defineAddon } from '@elevate/sdk';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let release: () => void = () => {};
const gate = new Promise<void>((r) => {
  release = r;
});
let started: () => void = () => {};
const inFlight = new Promise<void>((r) => {
  started = r;
});

const slow = defineAddon({
  id: 'slow',
  version: '1.0.0',
  title: 'Slow',
  description: 'A route that waits, to test graceful shutdown',
  category: 'test',
  platform: '^1.0.0',
  rest: (r) => {
    r.get('/wait', {}, async ({ ctx }) => {
      started();
      await gate;
      const rows = await ctx.db.query<{ n: number }>('select 1 as n');
      return { done: rows[0]?.n };
    });
  },
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [slow] });
});
afterAll(() => env?.close());

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, then closes pools', async () => {
    const t = await env.tenant('slowco', { enable: ['slow'] });
    const pending = t.client.get('/api/v1/slow/wait');
    await inFlight;
    const stopped = env.kernel.stop();
    // New connections are refused while the in-flight request is still running.
    await expect(fetch(`${env.url}/healthz`)).rejects.toThrow();
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ done: 1 });
    await stopped;
    expect(env.kernel.runtime.pools.app.ending).toBe(true);
  });
});
