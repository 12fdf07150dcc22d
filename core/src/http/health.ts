import Router from '@koa/router';
import type { Redis } from 'ioredis';
import { bounded } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import type { State } from './state.ts';

/** /healthz: the process is up. /readyz: PostgreSQL and Redis answer. */
export function healthRoutes(rt: Runtime, redis: Redis): Router<State> {
  const r = new Router<State>();
  r.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  r.get('/readyz', async (ctx) => {
    const check = async (p: Promise<unknown>) => {
      try {
        await bounded(p, 1000, 'check');
        return 'ok';
      } catch (err) {
        return `unavailable: ${(err as Error).message}`;
      }
    };
    const [database, redisState] = await Promise.all([check(rt.pools.app.query('select 1')), check(redis.ping())]);
    const ready = database === 'ok' && redisState === 'ok';
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready', checks: { database, redis: redisState } };
  });
  return r;
}
