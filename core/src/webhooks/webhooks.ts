import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { AppError, type JobDef, NotFoundError, type PublishedEvent, ValidationError } from '@elevate/sdk';
import { UnrecoverableError } from 'bullmq';
import { systemContext } from '../context/context.ts';
import { type TenantTx, withTenant, withTenantAs } from '../db/tenant-tx.ts';
import { outboxPublisher } from '../events/outbox.ts';
import { transactionalNotifier } from '../notifications/notifications.ts';
import type { KernelJob, Runtime } from '../runtime.ts';
import { BlockedAddressError, checkLiteralHost, guardedLookup } from './ssrf.ts';

export const WEBHOOKS_MANAGE = 'core.webhooks.manage';
export const WEBHOOK_DELIVER_JOB = 'core.webhooks.deliver';
const EXCERPT = 1000;

/** The outbox only reads a job's name; attempts and backoff come from the kernel job. */
const deliverJobRef: JobDef<{ deliveryId: string }> = {
  kind: 'job',
  name: WEBHOOK_DELIVER_JOB,
  attempts: 1,
  backoffMs: 0,
  run: () => {},
};

export interface WebhookRow {
  id: string;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DeliveryRow {
  id: string;
  webhookId: string;
  messageId: string;
  eventType: string;
  status: 'pending' | 'retrying' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  statusCode: number | null;
  durationMs: number | null;
  error: string | null;
  responseExcerpt: string | null;
  redeliveryOf: string | null;
  createdAt: string;
  updatedAt: string;
}

const HOOK_COLUMNS = `id, url, description, events, enabled, consecutive_failures as "consecutiveFailures",
  disabled_reason as "disabledReason", created_at as "createdAt", updated_at as "updatedAt"`;
const DELIVERY_COLUMNS = `id, webhook_id as "webhookId", message_id as "messageId", event_type as "eventType", status,
  attempts, status_code as "statusCode", duration_ms as "durationMs", error, response_excerpt as "responseExcerpt",
  redelivery_of as "redeliveryOf", created_at as "createdAt", updated_at as "updatedAt"`;

/** `whsec_` + base64 of 24 random bytes (the Standard Webhooks secret format). */
export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` keyed with the secret's decoded bytes. */
export function sign(secret: string, messageId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${messageId}.${timestamp}.${body}`).digest('base64')}`;
}

/** Whether a subscription pattern (`crm.lead.created`, `crm.*`, `crm.lead.*`) covers an event type. */
export function matches(pattern: string, type: string): boolean {
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The event types of the addons this tenant has enabled, with the addon declaring each. */
export async function availableEventTypes(rt: Runtime, tenantId: string): Promise<{ type: string; addon: string }[]> {
  const enabled = await rt.enabledAddons(tenantId);
  return rt.addons
    .filter((a) => enabled.has(a.id))
    .flatMap((a) => a.events.map((e) => ({ type: e.name, addon: a.id })))
    .sort((x, y) => x.type.localeCompare(y.type));
}

function addonOfEvent(rt: Runtime, type: string): string | null {
  for (const a of rt.addons) if (a.events.some((e) => e.name === type)) return a.id;
  return null;
}

interface WebhookInput {
  url?: unknown;
  description?: unknown;
  events?: unknown;
  enabled?: unknown;
}

const KEYS = new Set(['url', 'description', 'events', 'enabled']);

/** Checks a create (all of url and events) or update body; every problem names its field. */
async function checkInput(rt: Runtime, tenantId: string, b: unknown, create: boolean) {
  const details: { path: string; message: string }[] = [];
  if (!b || typeof b !== 'object' || Array.isArray(b)) {
    throw new ValidationError('Invalid request body', [{ path: '', message: 'must be an object' }]);
  }
  const body = b as WebhookInput;
  for (const k of Object.keys(body)) if (!KEYS.has(k)) details.push({ path: k, message: 'is not a known field' });
  const out: { url?: string; description?: string; events?: string[]; enabled?: boolean } = {};
  if (body.url !== undefined || create) {
    let ok = false;
    if (typeof body.url === 'string' && body.url.length <= 2000) {
      try {
        const u = new URL(body.url);
        ok = (u.protocol === 'https:' || u.protocol === 'http:') && !u.username && !u.password;
        if (ok) checkLiteralHost(u, rt.config.webhooks.allowPrivate);
      } catch (err) {
        if (err instanceof BlockedAddressError) {
          details.push({ path: 'url', message: `must not point to a private address (${err.message})` });
          ok = true;
        }
      }
      if (ok) out.url = body.url;
    }
    if (!ok)
      details.push({ path: 'url', message: 'must be an http(s) URL without credentials, at most 2000 characters' });
  }
  if (body.description !== undefined) {
    if (typeof body.description !== 'string' || body.description.length > 500) {
      details.push({ path: 'description', message: 'must be a string of at most 500 characters' });
    } else out.description = body.description;
  }
  if (body.events !== undefined || create) {
    if (!Array.isArray(body.events) || body.events.length === 0 || body.events.length > 100) {
      details.push({ path: 'events', message: 'must be a list of 1 to 100 event types' });
    } else {
      const types = (await availableEventTypes(rt, tenantId)).map((t) => t.type);
      body.events.forEach((e, i) => {
        if (typeof e !== 'string' || !/^[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?$/i.test(e)) {
          details.push({ path: `events.${i}`, message: 'must be an event type like "crm.lead.created" or "crm.*"' });
        } else if (!types.some((t) => matches(e, t))) {
          details.push({ path: `events.${i}`, message: `"${e}" is no event of an addon enabled for this tenant` });
        }
      });
      out.events = [...new Set(body.events as string[])];
    }
  }
  if (body.enabled !== undefined) {
    if (typeof body.enabled !== 'boolean') details.push({ path: 'enabled', message: 'must be true or false' });
    else out.enabled = body.enabled;
  }
  if (details.length) throw new ValidationError('Invalid webhook', details);
  return out;
}

async function getHook(tx: TenantTx, id: string): Promise<WebhookRow> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('Webhook');
  const rows = await tx.query<WebhookRow>(`select ${HOOK_COLUMNS} from core_webhook where tenant_id = $1 and id = $2`, [
    tx.tenantId,
    id,
  ]);
  if (!rows[0]) throw new NotFoundError('Webhook');
  return rows[0];
}

/** The endpoints' REST operations, in the request's tenant transaction. */
export const webhookStore = {
  async list(tx: TenantTx): Promise<WebhookRow[]> {
    return tx.query<WebhookRow>(
      `select ${HOOK_COLUMNS} from core_webhook where tenant_id = $1 order by created_at, id`,
      [tx.tenantId],
    );
  },
  get: getHook,
  async create(rt: Runtime, tx: TenantTx, body: unknown): Promise<WebhookRow & { secret: string }> {
    const b = await checkInput(rt, tx.tenantId, body, true);
    const secret = newSecret();
    const rows = await tx.query<WebhookRow>(
      `insert into core_webhook (tenant_id, id, url, description, events, secret, enabled)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${HOOK_COLUMNS}`,
      [tx.tenantId, randomUUID(), b.url, b.description ?? '', b.events, secret, b.enabled ?? true],
    );
    return { ...(rows[0] as WebhookRow), secret };
  },
  async update(rt: Runtime, tx: TenantTx, id: string, body: unknown): Promise<WebhookRow> {
    await getHook(tx, id);
    const b = await checkInput(rt, tx.tenantId, body, false);
    const rows = await tx.query<WebhookRow>(
      `update core_webhook set url = coalesce($3, url), description = coalesce($4, description),
         events = coalesce($5, events), enabled = coalesce($6, enabled),
         -- Enabling again starts the failure count afresh.
         consecutive_failures = case when $6 then 0 else consecutive_failures end,
         disabled_reason = case when $6 then null else disabled_reason end,
         updated_at = now()
       where tenant_id = $1 and id = $2 returning ${HOOK_COLUMNS}`,
      [tx.tenantId, id, b.url ?? null, b.description ?? null, b.events ?? null, b.enabled ?? null],
    );
    return rows[0] as WebhookRow;
  },
  async remove(tx: TenantTx, id: string): Promise<void> {
    await getHook(tx, id);
    await tx.query('delete from core_webhook where tenant_id = $1 and id = $2', [tx.tenantId, id]);
  },
  /** A new secret, shown once; the old one stops signing at once. */
  async rotate(tx: TenantTx, id: string): Promise<{ secret: string }> {
    await getHook(tx, id);
    const secret = newSecret();
    await tx.query('update core_webhook set secret = $3, updated_at = now() where tenant_id = $1 and id = $2', [
      tx.tenantId,
      id,
      secret,
    ]);
    return { secret };
  },
  async deliveries(tx: TenantTx, id: string, limit: number, offset: number) {
    await getHook(tx, id);
    const data = await tx.query<DeliveryRow>(
      `select ${DELIVERY_COLUMNS} from core_webhook_delivery where tenant_id = $1 and webhook_id = $2
       order by created_at desc, id desc limit $3 offset $4`,
      [tx.tenantId, id, limit, offset],
    );
    const total = await tx.query<{ n: number }>(
      'select count(*)::int as n from core_webhook_delivery where tenant_id = $1 and webhook_id = $2',
      [tx.tenantId, id],
    );
    return { data, total_count: total[0]?.n ?? 0, limit, offset };
  },
  /** Sends a logged delivery again, as a new delivery with the same message id (receivers dedupe on it). */
  async redeliver(rt: Runtime, tx: TenantTx, id: string, deliveryId: string): Promise<DeliveryRow> {
    const hook = await getHook(tx, id);
    if (!hook.enabled) {
      throw new AppError('WEBHOOK_DISABLED', 'The webhook is disabled; enable it before redelivering', { status: 409 });
    }
    const uuid = /^[0-9a-f-]{36}$/i.test(deliveryId) ? deliveryId : null;
    const orig = uuid
      ? await tx.query<{ message_id: string; event_type: string; body: string }>(
          'select message_id, event_type, body from core_webhook_delivery where tenant_id = $1 and webhook_id = $2 and id = $3',
          [tx.tenantId, id, uuid],
        )
      : [];
    const o = orig[0];
    if (!o) throw new NotFoundError('Delivery');
    const newId = randomUUID();
    const rows = await tx.query<DeliveryRow>(
      `insert into core_webhook_delivery (tenant_id, id, webhook_id, message_id, event_type, body, redelivery_of)
       values ($1, $2, $3, $4, $5, $6, $7) returning ${DELIVERY_COLUMNS}`,
      [tx.tenantId, newId, id, o.message_id, o.event_type, o.body, uuid],
    );
    await outboxPublisher(tx, null, rt.wakeRelay).enqueue(
      deliverJobRef,
      { deliveryId: newId },
      { jobId: `whd-${newId}` },
    );
    return rows[0] as DeliveryRow;
  },
};

/**
 * Called for every relayed (so committed) event from the events queue: one delivery row and
 * one BullMQ job per matching enabled endpoint, written in one tenant transaction through the
 * outbox. Idempotent: an event handled twice adds nothing (unique message id per endpoint).
 */
export async function fanOut(rt: Runtime, event: PublishedEvent): Promise<number> {
  const addon = addonOfEvent(rt, event.name);
  if (!addon || !(await rt.enabledAddons(event.tenantId)).has(addon)) return 0;
  const tenant = await rt.tenantById(event.tenantId);
  if (!tenant) return 0;
  return withTenantAs({ actor: 'webhooks' }, rt.pools.app, tenant.id, async (tx) => {
    const hooks = await tx.query<{ id: string; events: string[] }>(
      'select id, events from core_webhook where tenant_id = $1 and enabled',
      [tx.tenantId],
    );
    const targets = hooks.filter((h) => h.events.some((p) => matches(p, event.name)));
    if (targets.length === 0) return 0;
    const messageId = `msg_${event.id}`;
    const body = JSON.stringify({
      id: messageId,
      type: event.name,
      occurredAt: new Date(event.occurredAt).toISOString(),
      tenant: tenant.slug,
      data: event.payload ?? null,
    });
    const outbox = outboxPublisher(tx, null, rt.wakeRelay);
    let n = 0;
    for (const h of targets) {
      const id = randomUUID();
      const inserted = await tx.query(
        `insert into core_webhook_delivery (tenant_id, id, webhook_id, message_id, event_type, body)
         values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, webhook_id, message_id) where redelivery_of is null do nothing
         returning id`,
        [tx.tenantId, id, h.id, messageId, event.name, body],
      );
      if (inserted.length === 0) continue;
      await outbox.enqueue(deliverJobRef, { deliveryId: id }, { jobId: `whd-${id}` });
      n += 1;
    }
    return n;
  });
}

interface Attempt {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  excerpt: string | null;
}

/** One POST: no redirects followed, every resolved address checked at connect time, a time limit. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: { allowPrivate: boolean; timeoutMs: number },
): Promise<Attempt> {
  const started = performance.now();
  const done = (a: Omit<Attempt, 'durationMs'>): Attempt => ({
    ...a,
    durationMs: Math.round(performance.now() - started),
  });
  return new Promise((resolve) => {
    let u: URL;
    try {
      u = new URL(url);
      checkLiteralHost(u, opts.allowPrivate);
    } catch (err) {
      resolve(done({ ok: false, statusCode: null, error: String((err as Error).message), excerpt: null }));
      return;
    }
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(opts.allowPrivate) as never,
        timeout: opts.timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < EXCERPT) text += chunk;
        });
        res.on('end', () => {
          const code = res.statusCode ?? 0;
          const redirect = code >= 300 && code < 400;
          resolve(
            done({
              ok: code >= 200 && code < 300,
              statusCode: code,
              error: redirect
                ? `redirect to ${res.headers.location ?? '?'} not followed`
                : code >= 200 && code < 300
                  ? null
                  : `HTTP ${code}`,
              excerpt: text.slice(0, EXCERPT),
            }),
          );
        });
        res.on('error', (err) =>
          resolve(done({ ok: false, statusCode: res.statusCode ?? null, error: err.message, excerpt: null })),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)));
    req.on('error', (err) => resolve(done({ ok: false, statusCode: null, error: err.message, excerpt: null })));
    req.end(body);
  });
}

/** Users who may manage webhooks: they are told when an endpoint is disabled. */
async function webhookAdmins(tx: TenantTx): Promise<{ id: string; email: string }[]> {
  const rows = await tx.query<{ id: string; email: string }>(
    `select distinct u.id, u.email from core_user u
       join core_user_role ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
       join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
     where u.tenant_id = $1 and u.active
       and r.permissions && array['*', 'core.*', $2]::text[]
     order by u.email`,
    [tx.tenantId, WEBHOOKS_MANAGE],
  );
  return rows;
}

/** The kernel job sending one delivery; BullMQ retries it with exponential backoff. */
export function webhookDeliveryJob(rt: Runtime): KernelJob {
  const cfg = rt.config.webhooks;
  return {
    name: WEBHOOK_DELIVER_JOB,
    attempts: cfg.attempts,
    backoffMs: cfg.backoffMs,
    async run(data, job) {
      const { deliveryId } = data as { deliveryId: string };
      const tenant = await rt.tenantById(job.tenantId);
      if (!tenant) throw new UnrecoverableError('Tenant no longer exists');
      const found = await withTenant(rt.pools.app, tenant.id, async (tx) => {
        const rows = await tx.query<{
          message_id: string;
          body: string;
          status: string;
          url: string;
          secret: string;
          enabled: boolean;
        }>(
          `select d.message_id, d.body, d.status, w.url, w.secret, w.enabled
           from core_webhook_delivery d join core_webhook w on w.tenant_id = d.tenant_id and w.id = d.webhook_id
           where d.tenant_id = $1 and d.id = $2`,
          [tx.tenantId, deliveryId],
        );
        return rows[0] ?? null;
      });
      if (!found || found.status === 'succeeded' || found.status === 'failed') return { skipped: true };
      if (!found.enabled) {
        await withTenant(rt.pools.app, tenant.id, (tx) =>
          tx.query(
            `update core_webhook_delivery set status = 'skipped', error = 'webhook disabled', updated_at = now()
             where tenant_id = $1 and id = $2`,
            [tx.tenantId, deliveryId],
          ),
        );
        return { skipped: true };
      }
      const timestamp = Math.floor(Date.now() / 1000);
      const result = await post(
        found.url,
        {
          'user-agent': 'ElevateCRM-Webhooks/1',
          'webhook-id': found.message_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': sign(found.secret, found.message_id, timestamp, found.body),
        },
        found.body,
        { allowPrivate: cfg.allowPrivate, timeoutMs: cfg.timeoutMs },
      );
      const final = job.final;
      const status = result.ok ? 'succeeded' : final ? 'failed' : 'retrying';
      await withTenantAs({ actor: 'webhooks' }, rt.pools.app, tenant.id, async (tx) => {
        const upd = await tx.query<{ webhook_id: string }>(
          `update core_webhook_delivery set status = $3, attempts = $4, status_code = $5, duration_ms = $6,
             error = $7, response_excerpt = $8, updated_at = now()
           where tenant_id = $1 and id = $2 returning webhook_id`,
          [
            tx.tenantId,
            deliveryId,
            status,
            job.attempt,
            result.statusCode,
            result.durationMs,
            result.error?.slice(0, 1000) ?? null,
            result.excerpt,
          ],
        );
        const hookId = upd[0]?.webhook_id;
        if (!hookId) return;
        if (result.ok) {
          await tx.query(
            'update core_webhook set consecutive_failures = 0 where tenant_id = $1 and id = $2 and consecutive_failures <> 0',
            [tx.tenantId, hookId],
          );
          return;
        }
        if (!final) return;
        const hook = await tx.query<{ consecutive_failures: number; enabled: boolean; url: string }>(
          `update core_webhook set consecutive_failures = consecutive_failures + 1,
             enabled = enabled and consecutive_failures + 1 < $3,
             disabled_reason = case when enabled and consecutive_failures + 1 >= $3
               then $4 || (consecutive_failures + 1) || ' deliveries in a row failed' else disabled_reason end,
             updated_at = now()
           where tenant_id = $1 and id = $2
           returning consecutive_failures, enabled, url`,
          [tx.tenantId, hookId, cfg.disableAfter, 'Disabled automatically: '],
        );
        const h = hook[0];
        if (h && !h.enabled && h.consecutive_failures === cfg.disableAfter) {
          rt.log.warn({ tenant: tenant.slug, webhook: hookId }, 'webhook disabled after repeated failures');
          const ctx = systemContext(rt, tx, tenant, rt.log);
          // Mailed always; shown in-app too unless the admin turned the type off (or wants mail: they have it).
          const inApp = transactionalNotifier(
            tx,
            outboxPublisher(tx, null, rt.wakeRelay),
            null,
            rt.config.publicUrl,
            tenant.slug,
          );
          for (const admin of await webhookAdmins(tx)) {
            await inApp.send({
              userId: admin.id,
              type: 'core.webhook-disabled',
              title: 'A webhook endpoint was disabled',
              body: `${h.url}: ${h.consecutive_failures} deliveries in a row failed`,
              link: '/admin/webhooks',
            });
            await ctx.mail.send({
              to: admin.email,
              template: 'core.webhook-disabled',
              data: {
                url: `${rt.config.publicUrl}/t/${tenant.slug}/admin/webhooks`,
                endpoint: h.url,
                failures: String(h.consecutive_failures),
              },
            });
          }
        }
      });
      if (!result.ok) {
        if (final) throw new UnrecoverableError(result.error ?? 'delivery failed');
        throw new Error(result.error ?? 'delivery failed');
      }
      return { statusCode: result.statusCode, durationMs: result.durationMs };
    },
  };
}
