import { createApi, resourceClient } from '@elevate/sdk/web/client';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { type Entry, journal } from '@elevate-fixture/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The UI kit's typed resource client against a real kernel: the page's types are the model's
// (Row/NewRow/Patch of Entry), and the calls are the resource's REST routes. The fetch given to
// createApi stands where the web app's proxy stands: it adds the session's bearer token.

let env: TestEnv;
let t: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal], workers: false });
  t = await env.tenant('rc', { enable: ['journal'] });
});
afterAll(() => env?.close());

const entries = () => {
  const viaProxy: typeof fetch = (input, init) =>
    fetch(String(input).replace('/app/api', `${env.url}/api`), {
      ...init,
      headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${t.client.token}` },
    });
  return resourceClient<typeof Entry>(createApi('', viaProxy), '/v1/journal/entries');
};

describe('resourceClient', () => {
  it('lists, creates, reads, patches and removes with the model’s row shape', async () => {
    const api = entries();
    const created = await api.create({ text: 'typed from the model' });
    expect(created).toMatchObject({ text: 'typed from the model', pinned: false });
    const pinned = await api.update(created.id, { pinned: true });
    expect(pinned.pinned).toBe(true);
    expect((await api.get(created.id)).text).toBe('typed from the model');
    const page = await api.list({ pinned: true, fields: 'text', count: true });
    expect(page.total_count).toBe(1);
    expect(page.data).toEqual([{ id: created.id, text: 'typed from the model' }]);
    await api.remove(created.id);
    await expect(api.get(created.id)).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('bad input comes back as an ApiError naming the field', async () => {
    // @ts-expect-error text is required by the model: the type refuses the call before the server does
    await expect(entries().create({ pinned: true })).rejects.toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'text' })],
    });
    // A required text is not given by an empty one, and the messages read after the field's name.
    await expect(entries().create({ text: '' })).rejects.toMatchObject({
      status: 400,
      details: [{ path: 'text', message: 'is required' }],
    });
    await expect(entries().create({ text: 'x'.repeat(5000) })).rejects.toMatchObject({
      details: [{ path: 'text', message: expect.stringMatching(/^must be at most \d+ characters$/) }],
    });
  });
});
