// The data loading every route shares (addon pages, dashboard widgets, admin pages): an API client
// bound to the load's fetch, and one answer to an ended session wherever the load runs.
import { redirect } from '@sveltejs/kit';
import { type Api, createApi } from './api.ts';

/** The login page, saying the session ended, and coming back to `url` afterwards. */
export function sessionEndedUrl(base: string, url: URL): string {
  return `${base}/auth/login?ended=1&next=${encodeURIComponent(url.pathname + url.search)}`;
}

/**
 * Runs a load with an API client of its own. When any call answers 401 (the session ended: signed
 * out elsewhere, or expired), the load ends in a redirect to the login page, even if the code
 * inside caught the error (a widget's own try/catch must not turn it into "could not load").
 */
export async function withLoadApi<T>(
  base: string,
  fetchFn: typeof fetch,
  url: URL,
  run: (api: Api) => Promise<T>,
): Promise<T> {
  let ended = false;
  const api = createApi(base, fetchFn, {
    onUnauthenticated: () => {
      ended = true;
    },
  });
  let result: T;
  try {
    result = await run(api);
  } catch (err) {
    if (ended) redirect(303, sessionEndedUrl(base, url));
    throw err;
  }
  if (ended) redirect(303, sessionEndedUrl(base, url));
  return result;
}
