import { afterEach, describe, expect, it, vi } from 'vitest';
import { freshAccessToken, refreshOnce } from './session.ts';

const jwt = (exp: number, sub = 'user-1') => `h.${Buffer.from(JSON.stringify({ sub, exp })).toString('base64url')}.s`;

function mockKernel(respond: () => Response | Promise<Response>) {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => {
    calls.push(`${url} ${init?.body ?? ''}`);
    await new Promise((r) => setTimeout(r, 20));
    return respond();
  });
  return calls;
}
const tokens = (n: number) =>
  Response.json({
    accessToken: jwt(Math.floor(Date.now() / 1000) + 900, `u${n}`),
    refreshToken: `rt-${n}`,
    expiresIn: 900,
  });

/** A minimal stand-in for SvelteKit's cookies. */
function jar(initial: Record<string, string>) {
  const values = new Map(Object.entries(initial));
  return {
    values,
    get: (name: string) => values.get(name),
    set: (name: string, value: string) => void values.set(name, value),
    delete: (name: string) => void values.delete(name),
  } as unknown as import('@sveltejs/kit').Cookies & { values: Map<string, string> };
}

afterEach(() => vi.unstubAllGlobals());

describe('session refresh (rotating refresh tokens, reuse is revoked)', () => {
  it('refreshes once for many concurrent requests with the same refresh token, and remembers the outcome', async () => {
    let n = 0;
    const calls = mockKernel(() => tokens(++n));
    const results = await Promise.all(Array.from({ length: 6 }, () => refreshOnce('rt-a')));
    expect(calls).toHaveLength(1);
    expect(new Set(results.map((r) => (typeof r === 'string' ? r : r.refreshToken)))).toEqual(new Set(['rt-1']));
    // A late request (another tab) still carrying the old cookie gets the same new session.
    const late = await refreshOnce('rt-a');
    expect(calls).toHaveLength(1);
    expect(typeof late === 'string' ? late : late.refreshToken).toBe('rt-1');
  });

  it('tells a revoked session from an unreachable kernel, and retries only the latter', async () => {
    mockKernel(() => Response.json({ code: 'REFRESH_TOKEN_REUSED', message: 'revoked' }, { status: 401 }));
    expect(await refreshOnce('rt-b')).toBe('revoked');
    const calls = mockKernel(() => {
      throw new Error('ECONNREFUSED');
    });
    expect(await refreshOnce('rt-c')).toBe('unavailable');
    expect(await refreshOnce('rt-c')).toBe('unavailable');
    expect(calls).toHaveLength(2);
  });

  it('keeps a valid access token, refreshes one about to expire, and clears a revoked session', async () => {
    const now = Math.floor(Date.now() / 1000);
    let calls = mockKernel(() => tokens(7));
    const valid = jwt(now + 600);
    expect(await freshAccessToken(jar({ ev_acme_at: valid, ev_acme_rt: 'rt-d' }), 'acme', '/t/acme', false)).toBe(
      valid,
    );
    expect(calls).toHaveLength(0);

    const cookies = jar({ ev_acme_at: jwt(now + 10), ev_acme_rt: 'rt-e' });
    const fresh = await freshAccessToken(cookies, 'acme', '/t/acme', false);
    expect(calls).toHaveLength(1);
    expect(fresh).toBe(cookies.values.get('ev_acme_at'));
    expect(cookies.values.get('ev_acme_rt')).toBe('rt-7');

    calls = mockKernel(() => Response.json({ code: 'INVALID_REFRESH_TOKEN', message: 'no' }, { status: 401 }));
    const gone = jar({ ev_acme_rt: 'rt-f' });
    expect(await freshAccessToken(gone, 'acme', '/t/acme', false)).toBeNull();
    expect(gone.values.size).toBe(0);
  });
});
