// An ended session (401) in any load becomes a redirect to the login page, caught or not.
import { isRedirect } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { withLoadApi } from './load.ts';

// Stands in for the web server's API proxy (a network boundary, not our code).
const answering = (status: number) => async () =>
  new Response(JSON.stringify(status === 200 ? { ok: true } : { code: 'UNAUTHENTICATED', message: 'ended' }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
const url = new URL('http://x.test/t/acme/crm/contacts?q=ada');

async function thrown(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the load to throw');
}

describe('withLoadApi', () => {
  it('returns what the load returns while the session lasts', async () => {
    expect(await withLoadApi('/t/acme', answering(200), url, (api) => api.get('/v1/crm/contacts'))).toEqual({
      ok: true,
    });
  });

  it('redirects to the login page, saying the session ended and where to come back', async () => {
    const err = await thrown(withLoadApi('/t/acme', answering(401), url, (api) => api.get('/v1/crm/contacts')));
    expect(isRedirect(err)).toBe(true);
    expect(err).toMatchObject({
      status: 303,
      location: `/t/acme/auth/login?ended=1&next=${encodeURIComponent('/t/acme/crm/contacts?q=ada')}`,
    });
  });

  it('redirects even when the load caught the 401 itself', async () => {
    const err = await thrown(
      withLoadApi('/t/acme', answering(401), url, async (api) => {
        try {
          await api.get('/v1/crm/contacts');
        } catch {
          return 'swallowed';
        }
      }),
    );
    expect(isRedirect(err)).toBe(true);
  });

  it('lets other errors through', async () => {
    const err = await thrown(withLoadApi('/t/acme', answering(500), url, (api) => api.get('/v1/crm/contacts')));
    expect(isRedirect(err)).toBe(false);
    expect(err).toMatchObject({ status: 500 });
  });
});
