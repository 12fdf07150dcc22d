// The browser's door to the kernel API: same origin, session from the httpOnly cookie (see
// #lib/server/session.ts). Bodies and responses stream through, so CSV uploads and the live
// channel (server-sent events) work as they are.
import type { RequestHandler } from '@sveltejs/kit';
import { apiUrl } from '#lib/server/kernel.ts';

const FORWARD_REQUEST = ['content-type', 'accept', 'x-request-id', 'last-event-id'];
const FORWARD_RESPONSE = [
  'content-type',
  'content-disposition',
  'cache-control',
  'x-request-id',
  'x-total-count',
  // CSV exports say how many rows they hold and whether they were cut (the page offers the rest).
  'x-export-rows',
  'x-export-truncated',
];

const problem = (status: number, code: string, message: string) =>
  new Response(JSON.stringify({ code, message, details: [] }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

export const fallback: RequestHandler = async ({ request, params, url, locals }) => {
  const path = params.path ?? '';
  // Only the versioned resource API; sign-in and tokens stay with the web server's own routes.
  if (!path.startsWith('v1/') || path.startsWith('v1/auth/')) return problem(404, 'NOT_FOUND', 'No such API path');
  // Cookies ride along with cross-site requests: writes must come from this origin.
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    const origin = request.headers.get('origin');
    if (origin && origin !== url.origin) return problem(403, 'CROSS_ORIGIN', 'Cross-origin request refused');
    if (!origin && request.headers.get('sec-fetch-site') === 'cross-site')
      return problem(403, 'CROSS_ORIGIN', 'Cross-origin request refused');
  }
  if (!locals.accessToken) return problem(401, 'UNAUTHENTICATED', 'Your session has ended. Sign in again.');

  const headers = new Headers({ authorization: `Bearer ${locals.accessToken}` });
  for (const name of FORWARD_REQUEST) {
    const value = request.headers.get(name);
    if (value) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  let upstream: Response;
  try {
    upstream = await fetch(apiUrl(`/api/${path}${url.search}`), {
      method: request.method,
      headers,
      signal: request.signal,
      ...(hasBody ? { body: request.body, duplex: 'half' } : {}),
    } as RequestInit);
  } catch {
    return problem(503, 'UNAVAILABLE', 'The server cannot be reached. Try again in a moment.');
  }
  const out = new Headers();
  for (const name of FORWARD_RESPONSE) {
    const value = upstream.headers.get(name);
    if (value) out.set(name, value);
  }
  if (out.get('content-type')?.startsWith('text/event-stream')) out.set('x-accel-buffering', 'no');
  return new Response(upstream.body, { status: upstream.status, headers: out });
};
