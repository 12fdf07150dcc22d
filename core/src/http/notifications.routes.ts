import type { AnyAddon } from '@elevate/sdk';
import type Router from '@koa/router';
import { notificationKinds, notificationStore } from '../notifications/notifications.ts';
import type { State } from './state.ts';
import { compileQuery } from './validate.ts';

const listQuery = compileQuery({
  type: 'object',
  additionalProperties: false,
  properties: {
    unread: { type: 'boolean', default: false },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
});

/** The caller's own in-app notifications and preferences: no permission needed, nobody else's. */
export function notificationRoutes(r: Router<State>, addons: readonly AnyAddon[]): void {
  const kinds = (s: State) => notificationKinds(addons, s.enabled ?? new Set(), s.rc?.user.language);
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('notification route without request context');
    return { userId: s.rc.user.id, tx: s.tx };
  };

  r.get('/notifications', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    const q = listQuery({ ...ctx.query }) as { unread: boolean; limit: number; offset: number };
    ctx.body = await notificationStore.list(tx, userId, q);
  });

  r.get('/notifications/unread-count', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    ctx.body = { unread: await notificationStore.unreadCount(tx, userId) };
  });

  r.post('/notifications/read-all', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    ctx.body = { marked: await notificationStore.markAllRead(tx, userId) };
  });

  r.post('/notifications/:id/read', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    ctx.body = await notificationStore.markRead(tx, userId, ctx.params.id as string);
  });

  r.get('/notifications/preferences', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    const data = await notificationStore.preferences(tx, userId, kinds(ctx.state));
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });

  r.put('/notifications/preferences', async (ctx) => {
    const { userId, tx } = req(ctx.state);
    const data = await notificationStore.setPreferences(tx, userId, ctx.request.body, kinds(ctx.state));
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });
}
