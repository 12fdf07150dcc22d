// The browser's (and the server-side load's) way to the kernel API: the web server's proxy at
// <base>/app/api/..., which adds the session's bearer token. Paths are the API's own: '/v1/crm/contacts'.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: { path?: string; message: string }[];
  constructor(status: number, code: string, message: string, details: { path?: string; message: string }[] = []) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

type Query = Record<string, string | number | boolean | undefined | null>;

export interface Api {
  readonly base: string;
  get<T>(path: string, query?: Query): Promise<T>;
  post<T>(path: string, body?: unknown): Promise<T>;
  put<T>(path: string, body?: unknown): Promise<T>;
  patch<T>(path: string, body?: unknown): Promise<T>;
  delete<T = void>(path: string): Promise<T>;
  /** POST a raw body (e.g. a CSV file) with its content type. */
  upload<T>(path: string, body: Blob | string, contentType: string): Promise<T>;
  /** The browser URL of an API path (for downloads and links). */
  url(path: string, query?: Query): string;
}

export function queryString(query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * An API client for the tenant whose pages live under `base` ('' or '/t/<slug>').
 * `onUnauthenticated`: called on a 401 (the session ended), e.g. to go to the login page.
 */
export function createApi(
  base: string,
  fetchFn: typeof fetch = fetch,
  opts: { onUnauthenticated?: () => void } = {},
): Api {
  const url = (path: string, query?: Query) => `${base}/app/api${path}${queryString(query)}`;
  const call = async <T>(method: string, path: string, body?: BodyInit, contentType?: string): Promise<T> => {
    const res = await fetchFn(url(path), {
      method,
      headers: { accept: 'application/json', ...(contentType ? { 'content-type': contentType } : {}) },
      ...(body === undefined ? {} : { body }),
    });
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = text;
    }
    if (res.status === 401) opts.onUnauthenticated?.();
    if (!res.ok) {
      const e = (parsed ?? {}) as { code?: string; message?: string; details?: { path?: string; message: string }[] };
      throw new ApiError(res.status, e.code ?? 'HTTP_ERROR', e.message ?? `Request failed (${res.status})`, e.details);
    }
    return parsed as T;
  };
  const json = (v: unknown) => (v === undefined ? '{}' : JSON.stringify(v));
  return {
    base,
    get: (path, query) => call('GET', `${path}${queryString(query)}`),
    post: (path, body) => call('POST', path, json(body), 'application/json'),
    put: (path, body) => call('PUT', path, json(body), 'application/json'),
    patch: (path, body) => call('PATCH', path, json(body), 'application/json'),
    delete: (path) => call('DELETE', path),
    upload: (path, body, contentType) => call('POST', path, body, contentType),
    url,
  };
}
