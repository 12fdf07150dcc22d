import { PassThrough } from 'node:stream';
import { type JobDef, NotFoundError, type PublishedEvent, type RecordScope } from '@elevate/sdk';
import Router from '@koa/router';
import { Roles } from '../admin/roles.ts';
import { Teams } from '../admin/teams.ts';
import { Users } from '../admin/users.ts';
import { automationRoutes } from '../automation/automation.routes.ts';
import type { AutomationEngine } from '../automation/engine.ts';
import { commentRoutes } from '../comments/comments.routes.ts';
import { customFieldRoutes } from '../custom-fields/custom-fields.routes.ts';
import { documentRoutes } from '../documents/documents.routes.ts';
import { type LiveHub, publishAccessChange } from '../events/live.ts';
import { Exports } from '../exports/exports.ts';
import type { Queues } from '../jobs/queues.ts';
import { bounded } from '../jobs/queues.ts';
import { schedulerId } from '../jobs/schedules.ts';
import { moneyRoutes } from '../money/money.routes.ts';
import type { TenantAddons } from '../registry/tenant-addons.ts';
import type { Runtime } from '../runtime.ts';
import { SavedViews } from '../views/views.ts';
import { adminRoutes } from './admin.routes.ts';
import { auditRoutes } from './audit.routes.ts';
import { brandingRoutes } from './branding.routes.ts';
import { exportRoutes } from './exports.routes.ts';
import { notificationRoutes } from './notifications.routes.ts';
import { preferencesRoutes } from './preferences.routes.ts';
import { privacyRoutes } from './privacy.routes.ts';
import { searchRoutes } from './search.routes.ts';
import { servicesRoutes } from './services.routes.ts';
import type { State } from './state.ts';
import { compileSettings } from './validate.ts';
import { viewRoutes } from './views.routes.ts';
import { webhookRoutes } from './webhooks.routes.ts';

/** Kernel endpoints under /api/v1/core (authenticated). */
/**
 * An event as one user may see it. Without the guarding permission: nothing. With it on every
 * record (`@all`, or a model without owners): all of it. With `@own`/`@team`, the payload only
 * when the record's owner (`payload.ownerId`) is the caller or in the caller's teams; otherwise
 * only that something changed (name and id, no payload or actor), so a page can reload through
 * the API, which applies the record rules, without learning what changed.
 */
export function liveView(
  e: PublishedEvent,
  permission: string | null,
  scope: (permission: string) => RecordScope | null,
  userId: string,
  team: readonly string[],
): PublishedEvent | null {
  if (!permission) return e;
  const s = scope(permission);
  if (!s) return null;
  if (s === 'all') return e;
  const owner = (e.payload as { ownerId?: unknown } | null)?.ownerId;
  const visible = typeof owner === 'string' && (s === 'own' ? owner === userId : team.includes(owner));
  return visible ? e : { ...e, payload: null, actorId: null };
}

export function coreRoutes(
  rt: Runtime,
  tenantAddons: TenantAddons,
  queues: Queues,
  live: LiveHub,
  automation?: AutomationEngine,
  views?: SavedViews,
): Router<State> {
  const r = new Router<State>({ prefix: '/api/v1/core' });
  const rc = (s: State) => {
    if (!s.rc) throw new Error('core route without request context');
    return s.rc;
  };

  r.get('/me', (ctx) => {
    const c = rc(ctx.state);
    ctx.body = {
      // With the profile's locale and time zone (read with the user, no extra statement): the web
      // app renders dates and amounts with them.
      user: { locale: null, timeZone: null, language: null, ...c.user },
      tenant: c.tenant,
      permissions: ctx.state.patterns ?? [],
      enabledAddons: [...(ctx.state.enabled ?? [])].sort(),
      // Until a second factor is enrolled, every other API answers 403 MFA_ENROLMENT_REQUIRED.
      ...(ctx.state.mfaGate ? { mfaEnrolmentRequired: true } : {}),
    };
  });

  r.get('/addons', async (ctx) => {
    const c = rc(ctx.state);
    const data = await tenantAddons.list(c.tenant.id, c.user.language);
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });

  r.post('/addons/:id/enable', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    ctx.body = await tenantAddons.enable(c.tenant.id, ctx.params.id as string, ctx.state.tx?.actor);
  });

  r.post('/addons/:id/disable', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    await tenantAddons.disable(c.tenant.id, ctx.params.id as string, ctx.state.tx?.actor);
    ctx.body = { disabled: ctx.params.id };
  });

  // Explicit, separate purge of a disabled addon's data for this tenant.
  r.delete('/addons/:id/data', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    await tenantAddons.uninstall(c.tenant.id, ctx.params.id as string, ctx.state.tx?.actor);
    ctx.status = 204;
  });

  const enabledAddon = (s: State, id: string) => {
    const addon = rt.addonsById.get(id);
    if (!addon || !s.enabled?.has(id)) throw new NotFoundError(`Addon "${id}"`, { code: 'ADDON_NOT_FOUND' });
    return addon;
  };

  r.get('/addons/:id/settings', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    enabledAddon(ctx.state, ctx.params.id as string);
    ctx.body = await c.settings(ctx.params.id as string);
  });

  r.put('/addons/:id/settings', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    const addon = enabledAddon(ctx.state, ctx.params.id as string);
    if (!addon.settings) throw new NotFoundError(`Settings of addon "${addon.id}"`);
    const next = { ...addon.settings.defaults, ...(ctx.request.body as object) };
    compileSettings(addon.settings.schema)(next);
    await c.db.query(
      'update core_tenant_addon set settings = $2, updated_at = now() where tenant_id = $3 and addon_id = $1',
      [addon.id, JSON.stringify(next), c.tenant.id],
    );
    ctx.body = next;
  });

  // The schedules of this company's enabled addons, with their next run (BullMQ's scheduler).
  r.get('/schedules', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    const mine = [...rt.schedulesByName.values()].filter((s) => ctx.state.enabled?.has(s.addon.id));
    const data = await Promise.all(
      mine.map(async ({ addon, schedule }) => {
        const scheduler = await bounded(
          queues.jobs.getJobScheduler(schedulerId(c.tenant.id, schedule.name)),
          2000,
          'scheduler lookup',
        ).catch(() => undefined);
        const english = schedule.title ?? null;
        const key = `schedule.${schedule.name}.title`;
        return {
          name: schedule.name,
          // In the reader's language from the addon's catalogue, else as declared (null: none).
          title: addon.messages?.has(key) ? addon.messages.text(c.user.language, key) : english,
          addon: addon.id,
          ...schedule.timing,
          next: typeof scheduler?.next === 'number' ? new Date(scheduler.next).toISOString() : null,
        };
      }),
    );
    data.sort((a, b) => a.name.localeCompare(b.name));
    ctx.body = { data, total_count: data.length, limit: data.length, offset: 0 };
  });

  // Run a schedule now, once, for this company (besides its timetable): a job through the outbox,
  // run by the workers like a scheduled firing; poll it at /jobs/:id.
  r.post('/schedules/:name/run', async (ctx) => {
    const c = rc(ctx.state);
    c.require('core.addons.manage');
    const name = ctx.params.name as string;
    const entry = rt.schedulesByName.get(name);
    if (!entry || !ctx.state.enabled?.has(entry.addon.id)) {
      throw new NotFoundError(`Schedule "${name}"`, { code: 'SCHEDULE_NOT_FOUND' });
    }
    const jobId = await c.jobs.enqueue({ name } as JobDef<null>, null);
    ctx.status = 202;
    ctx.body = { jobId, name };
  });

  // Job status for polling. A job is visible only to the tenant that queued it.
  r.get('/jobs/:id', async (ctx) => {
    const c = rc(ctx.state);
    const id = ctx.params.id as string;
    const pending = await c.db.query<{ name: string; actor_id: string | null }>(
      'select name, actor_id from core_outbox where tenant_id = $3 and kind = $1 and job_id = $2 and relayed_at is null',
      ['job', id, c.tenant.id],
    );
    if (pending[0] && (pending[0].actor_id === c.user.id || c.can('core.addons.manage'))) {
      ctx.body = { id, name: pending[0].name, state: 'pending', progress: 0, result: null, error: null, attempts: 0 };
      return;
    }
    const job = await bounded(queues.jobs.getJob(id), 2000, 'job lookup').catch(() => undefined);
    const data = job?.data as { tenantId?: string; actorId?: string | null } | undefined;
    // A job is visible to its tenant only: to the user who queued it, and to addon managers.
    if (!job || data?.tenantId !== c.tenant.id) throw new NotFoundError('Job');
    if (data.actorId !== c.user.id && !c.can('core.addons.manage')) throw new NotFoundError('Job');
    const state = await bounded(job.getState(), 2000, 'job state');
    // The job and its state are two reads: a job seen finished is read again, so that it
    // comes with its final result and attempts (not "completed" with no result yet).
    const last =
      state === 'completed' || state === 'failed'
        ? ((await bounded(queues.jobs.getJob(id), 2000, 'job lookup')) ?? job)
        : job;
    ctx.body = {
      id,
      name: last.name,
      state,
      progress: typeof last.progress === 'number' ? last.progress : 0,
      result: last.returnvalue ?? null,
      error: state === 'failed' ? (last.failedReason ?? 'failed') : null,
      attempts: last.attemptsMade,
    };
  });

  // Server-sent events: the tenant's domain events, filtered by the user's permissions.
  r.get('/live', async (ctx) => {
    const c = rc(ctx.state);
    // Whose records the caller sees under a team scope: read once, before the stream outlives the request.
    const team = await c.teamUserIds();
    await ctx.state.tx?.commit();
    const stream = new PassThrough();
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    // `close`: when the stream ends (e.g. at shutdown) the socket goes too, instead of
    // idling as keep-alive and holding up the server's close.
    ctx.set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'close',
      'X-Accel-Buffering': 'no',
    });
    ctx.status = 200;
    ctx.body = stream;
    stream.write(': connected\n\n');
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), 15_000);
    // The stream lives as long as the token that opened it; the browser reconnects with a fresh one.
    const expiry = setTimeout(
      () => {
        stream.write('event: token-expired\ndata: {}\n\n');
        stream.end();
      },
      Math.max(0, (ctx.state.tokenExp ?? 0) * 1000 - Date.now()),
    );
    const remove = live.add(c.tenant.id, {
      userId: c.user.id,
      view: (e, permission) => liveView(e, permission, c.scope, c.user.id, team),
      send: (e: PublishedEvent) => stream.write(`id: ${e.id}\nevent: ${e.name}\ndata: ${JSON.stringify(e)}\n\n`),
      close: (reason?: string) => {
        if (reason) stream.write(`event: ${reason}\ndata: {}\n\n`);
        stream.end();
      },
    });
    const done = () => {
      clearInterval(heartbeat);
      clearTimeout(expiry);
      remove();
    };
    ctx.req.on('close', done);
    stream.on('close', done);
  });

  auditRoutes(r, rt);
  webhookRoutes(r, rt);
  if (automation) automationRoutes(r, rt, automation);
  notificationRoutes(r, rt.addons);
  commentRoutes(r, rt.addons);
  moneyRoutes(r);
  customFieldRoutes(r, rt);
  preferencesRoutes(r);
  viewRoutes(r, views ?? new SavedViews(rt.addons));
  documentRoutes(r);
  brandingRoutes(r);
  adminRoutes(r, {
    users: new Users(rt.addons),
    roles: new Roles(rt.addons),
    teams: new Teams(),
    // After the commit: open live streams of those users reconnect with their new access.
    accessChanged: (tx, userIds) =>
      tx.onCommit(() => {
        publishAccessChange(queues.redis, rt.config.redisPrefix, tx.tenantId, userIds).catch((err) =>
          rt.log.warn(
            { err: String(err) },
            'access change not broadcast; live streams keep their access until they reconnect',
          ),
        );
      }),
  });
  servicesRoutes(r, rt);
  privacyRoutes(r, rt);
  searchRoutes(r, rt);
  exportRoutes(r, new Exports(rt));
  return r;
}
