// How the web server talks to the kernel API. `elevate start` serves both from one process and
// sets ELEVATE_API_URL to its own address; `vite dev` defaults to a kernel on 127.0.0.1:3000.

import { currentLanguage } from '@elevate/sdk/web/host';

export function apiUrl(path: string): string {
  const origin = (process.env.ELEVATE_API_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
  return `${origin}${path}`;
}

/**
 * The browser's address, as the kernel handed it to the web app, passed back with the key the
 * kernel set in this process: the kernel's limits per address then count the browser, not the web
 * server (core/src/http/throttle.ts).
 */
export const CLIENT_IP_HEADER = 'x-elevate-client-ip';
function forwardHeaders(clientIp: string | null | undefined): Record<string, string> {
  const key = process.env.ELEVATE_FORWARD_KEY;
  return clientIp && key ? { [CLIENT_IP_HEADER]: clientIp, 'x-elevate-forward-key': key } : {};
}

export interface KernelError {
  code: string;
  message: string;
  details?: { path?: string; message: string }[];
}

/** A JSON call to the kernel. Never throws for HTTP errors: callers show `error.message` inline. */
export async function kernelJson<T>(
  path: string,
  init: {
    method?: string;
    body?: unknown;
    token?: string | null;
    clientIp?: string | null;
    /** The browser's user agent (the sessions list names the device from it). */
    userAgent?: string | null;
  } = {},
): Promise<{ ok: true; status: number; data: T } | { ok: false; status: number; error: KernelError }> {
  let res: Response;
  try {
    res = await fetch(apiUrl(path), {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        accept: 'application/json',
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...forwardHeaders(init.clientIp),
        ...(init.userAgent ? { 'user-agent': init.userAgent } : {}),
        // The page's language: the kernel answers errors in it when no signed-in user says otherwise.
        'accept-language': currentLanguage(),
      },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  } catch {
    return {
      ok: false,
      status: 503,
      error: { code: 'UNAVAILABLE', message: 'The server cannot be reached. Try again in a moment.' },
    };
  }
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (res.ok) return { ok: true, status: res.status, data: body as T };
  const err = body as Partial<KernelError> | null;
  return {
    ok: false,
    status: res.status,
    error: {
      code: err?.code ?? 'INTERNAL',
      message: err?.message ?? `Request failed (${res.status})`,
      details: err?.details ?? [],
    },
  };
}
