import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import Router from '@koa/router';
import type Koa from 'koa';
import type { OpenApiDocument } from './openapi.ts';
import type { State } from './state.ts';
import { compileQuery } from './validate.ts';

/** No query parameters: `?format=yaml` and the like answer 400 naming the parameter. */
const noQuery = compileQuery({ type: 'object', properties: {}, additionalProperties: false });

interface Serialised {
  text: string;
  etag: string;
}

/**
 * The text and ETag of a description, made once per description. The kernel builds one
 * OpenAPI document per set of enabled addons and origin, and one SDL per set, so a new set (an
 * addon enabled) is a new description and a new entry; stringifying the whole document on every
 * request cost ~35 ms.
 */
function serialiser<K extends object | string>() {
  const made = new Map<K, Serialised>();
  return (key: K, text: () => string): Serialised => {
    let s = made.get(key);
    if (!s) {
      const t = text();
      s = { text: t, etag: `"${createHash('sha1').update(t).digest('base64url')}"` };
      // Bounded like the kernel's document cache: one entry per set (and origin) seen.
      if (made.size >= 256) made.clear();
      made.set(key, s);
    }
    return s;
  };
}

function send(ctx: Koa.ParameterizedContext<State>, s: Serialised, type: string): void {
  ctx.set('ETag', s.etag);
  // Private: each tenant's description depends on its addons, behind its token.
  ctx.set('Cache-Control', 'private, no-cache');
  if (ctx.get('if-none-match') === s.etag) {
    ctx.status = 304;
    return;
  }
  ctx.type = type;
  ctx.body = s.text;
}

/** GET /api/v1/openapi.json and /api/v1/graphql.sdl: the calling tenant's API (authenticated). */
export function apiDescriptionRoutes(
  openapi: (enabled: ReadonlySet<string>, server: string) => OpenApiDocument,
  sdl: (enabled: ReadonlySet<string>) => string,
): Router<State> {
  const r = new Router<State>({ prefix: '/api/v1' });
  // Keyed by the document object itself (the kernel caches one per set and origin).
  const documents = serialiser<OpenApiDocument>();
  const sdls = serialiser<string>();
  r.get('/openapi.json', (ctx) => {
    noQuery({ ...ctx.query });
    // Koa 3: ctx.origin is null here; the origin the client used (app.proxy: behind a proxy too).
    const doc = openapi(ctx.state.enabled ?? new Set(), `${ctx.protocol}://${ctx.host}`);
    send(
      ctx,
      documents(doc, () => JSON.stringify(doc)),
      'application/json; charset=utf-8',
    );
  });
  r.get('/graphql.sdl', (ctx) => {
    noQuery({ ...ctx.query });
    const enabled = ctx.state.enabled ?? new Set<string>();
    send(
      ctx,
      sdls([...enabled].sort().join(','), () => sdl(enabled)),
      'text/plain; charset=utf-8',
    );
  });
  return r;
}

const page = (name: string) => new URL(`./docs-page/${name}`, import.meta.url);
// Served from node_modules: no CDN (the page works offline and under a same-origin CSP).
// The package exports no path to it: found beside its main module.
const SCALAR = new URL('./browser/standalone.js', import.meta.resolve('@scalar/api-reference'));
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

/**
 * The browsable reference (public pages; the data behind them needs a sign-in):
 * /api/v1/docs renders the caller's OpenAPI document with Scalar; GET /graphql in a browser is GraphiQL.
 */
export function apiDocsPages(): Router<State> {
  const r = new Router<State>();
  const files = new Map<string, Promise<string>>();
  const file = (key: string, path: string | URL) => {
    let f = files.get(key);
    if (!f) {
      f = readFile(path, 'utf8');
      files.set(key, f);
    }
    return f;
  };
  r.get('/api/v1/docs', async (ctx) => {
    ctx.set('Content-Security-Policy', CSP);
    ctx.type = 'text/html; charset=utf-8';
    ctx.body = await file('html', page('docs.html'));
  });
  r.get('/api/v1/docs/docs.js', async (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.body = await file('js', page('docs.js'));
  });
  r.get('/api/v1/docs/scalar.js', async (ctx) => {
    ctx.type = 'text/javascript; charset=utf-8';
    ctx.set('Cache-Control', 'public, max-age=86400');
    ctx.body = await file('scalar', SCALAR);
  });
  return r;
}

let graphiql: { html: string; csp: string } | null = null;
/**
 * GraphiQL with its assets inlined (render-graphiql bundles them: no CDN), and the
 * Content-Security-Policy it satisfies: its inline scripts by hash (computed once from the page),
 * its editor's workers from blob: URLs, nothing from elsewhere, no framing.
 */
export function graphiqlPage(): { html: string; csp: string } {
  if (!graphiql) {
    const html = renderGraphiQL({
      title: 'ElevateCRM GraphQL',
      endpoint: '/graphql',
      headers: JSON.stringify({ Authorization: 'Bearer <access token from POST /api/v1/auth/login>' }, null, 2),
      defaultQuery: '{\n  __typename\n}\n',
    });
    const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
      (m) =>
        `'sha256-${createHash('sha256')
          .update(m[1] ?? '')
          .digest('base64')}'`,
    );
    const csp = [
      "default-src 'self'",
      `script-src 'self' ${hashes.join(' ')}`,
      "worker-src 'self' blob:",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "font-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
    ].join('; ');
    graphiql = { html, csp };
  }
  return graphiql;
}
