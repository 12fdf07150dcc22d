import type Router from '@koa/router';
import type { Runtime } from '../runtime.ts';
import { globalSearch } from '../search/global-search.ts';
import type { State } from './state.ts';
import { compileQuery } from './validate.ts';

const searchQuery = compileQuery({
  type: 'object',
  required: ['q'],
  additionalProperties: false,
  properties: {
    q: { type: 'string', minLength: 1, maxLength: 200 },
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 5 },
    types: { type: 'string', pattern: '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*(,[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*)*$' },
  },
});

/** Global search across the enabled addons' search providers (Ctrl/Cmd+K). */
export function searchRoutes(r: Router<State>, rt: Runtime): void {
  r.get('/search', async (ctx) => {
    const rc = ctx.state.rc;
    if (!rc) throw new Error('search route without request context');
    const q = searchQuery({ ...ctx.query }) as { q: string; limit: number; types?: string };
    ctx.body = await globalSearch(rt.addons, rc, { q: q.q, limit: q.limit, types: q.types?.split(',') });
  });
}
