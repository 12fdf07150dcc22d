import { randomUUID } from 'node:crypto';
import {
  type AnyAddon,
  defineEvent,
  type EventPublisher,
  isLanguage,
  type Language,
  type Mailer,
  NotFoundError,
  type NotificationMessage,
  type Notifier,
  type ReaderText,
  SOURCE_LANGUAGE,
  ValidationError,
} from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import { notificationText } from './texts.ts';

/** The outbox event that carries a new notification to its user's live streams (live.ts). */
export const NotificationCreated = defineEvent<NotificationInfo>('core.notification.created');
export const NOTIFICATION_EVENT_PREFIX = 'core.notification.';
export const CHANNELS = ['in-app', 'email', 'digest', 'off'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Notification types of the kernel itself (addons declare theirs, `<addon>.<name>`, in `notifications`). */
export const KERNEL_NOTIFICATION_KINDS: readonly { type: string; title: ReaderText }[] = [
  { type: 'core.mention', title: (lang) => notificationText(lang, 'kind.mention') },
  { type: 'core.automation', title: (lang) => notificationText(lang, 'kind.automation') },
  { type: 'core.webhook-disabled', title: (lang) => notificationText(lang, 'kind.webhookDisabled') },
];
export const KERNEL_NOTIFICATION_TYPES = KERNEL_NOTIFICATION_KINDS.map((k) => k.type);

/** A `ReaderText` written for a reader of `language` (unknown or none: English). */
export function readerText(text: ReaderText, language: string | null | undefined): string {
  return typeof text === 'function' ? text(isLanguage(language) ? language : SOURCE_LANGUAGE) : text;
}

/** The kinds a user of a tenant with these addons enabled can set a channel for, titled in their language. */
export function notificationKinds(
  addons: readonly AnyAddon[],
  enabled: ReadonlySet<string>,
  language: string | null | undefined = SOURCE_LANGUAGE,
): { type: string; title: string }[] {
  return [...KERNEL_NOTIFICATION_KINDS, ...addons.filter((a) => enabled.has(a.id)).flatMap((a) => a.notifications)].map(
    (k) => ({ type: k.type, title: readerText(k.title, language) }),
  );
}

export interface NotificationInfo {
  id: string;
  userId: string;
  type: string;
  title: string;
  body: string | null;
  link: string | null;
  readAt: string | null;
  createdAt: string;
  /** Collected for the daily digest (the user's channel for the type): not pushed live. */
  digest: boolean;
}

const COLUMNS = `id, user_id as "userId", type, title, body, link, read_at as "readAt", created_at as "createdAt", digest`;
const TYPE = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The message as its reader reads it: title and body as text. */
type Written = Omit<NotificationMessage, 'title' | 'body'> & { title: string; body?: string };

/** What is wrong with a title or body given as text (a function's text is checked once written). */
function textProblems(title: unknown, body: unknown): { path: string; message: string }[] {
  const details: { path: string; message: string }[] = [];
  if (typeof title !== 'function' && (typeof title !== 'string' || !title.trim() || title.length > 200)) {
    details.push({ path: 'title', message: 'must be 1-200 characters' });
  }
  if (body !== undefined && typeof body !== 'function' && (typeof body !== 'string' || body.length > 2000)) {
    details.push({ path: 'body', message: 'must be at most 2000 characters' });
  }
  return details;
}

function check(m: NotificationMessage): void {
  const details: { path: string; message: string }[] = [];
  if (typeof m.userId !== 'string' || !UUID.test(m.userId))
    details.push({ path: 'userId', message: 'must be a user id' });
  if (typeof m.type !== 'string' || m.type.length > 200 || !TYPE.test(m.type)) {
    details.push({ path: 'type', message: 'must look like "addon.name"' });
  }
  details.push(...textProblems(m.title, m.body));
  // A path inside the app only: never another site (the bell renders it as a link).
  if (
    m.link !== undefined &&
    (typeof m.link !== 'string' || !/^\/(?!\/)[^\s\\]*$/.test(m.link) || m.link.length > 2000)
  ) {
    details.push({ path: 'link', message: 'must be a path inside the app, like "/crm/contacts/<id>"' });
  }
  if (details.length) throw new ValidationError('Invalid notification', details);
}

/**
 * `ctx.notifications`: the row and its live event are written in the caller's transaction; a
 * user whose preference for the type is `email` gets a mail instead, `digest` a row kept for the
 * morning's digest mail (in the bell, not pushed live), `off` nothing.
 */
export function transactionalNotifier(
  tx: TenantTx,
  events: EventPublisher,
  /** Null: in-app only (a caller that mails on its own, as the webhook job does). */
  mail: Mailer | null,
  publicUrl: string,
  tenantSlug: string,
): Notifier {
  return {
    async send(input) {
      check(input);
      const rows = await tx.query<{ email: string; channel: Channel | null; language: string | null }>(
        `select u.email, p.channel, u.language from core_user u
           left join core_notification_pref p on p.tenant_id = u.tenant_id and p.user_id = u.id and p.type = $3
         where u.tenant_id = $1 and u.id = $2 and u.active`,
        [tx.tenantId, input.userId, input.type],
      );
      const user = rows[0];
      if (!user)
        throw new ValidationError('Invalid notification', [{ path: 'userId', message: 'no active user has this id' }]);
      const channel = user.channel ?? 'in-app';
      if (channel === 'off') return { id: null };
      const language: Language = isLanguage(user.language) ? user.language : SOURCE_LANGUAGE;
      const { title, body, ...rest } = input;
      const message: Written = {
        ...rest,
        title: readerText(title, language),
        ...(body === undefined ? {} : { body: readerText(body, language) }),
      };
      // Text written for the reader by a function is checked now that it exists.
      const written = textProblems(message.title, message.body);
      if (written.length) throw new ValidationError('Invalid notification', written);
      const id = randomUUID();
      if (channel === 'email') {
        if (!mail) return { id: null };
        await mail.send({
          to: user.email,
          template: 'core.notification',
          data: {
            title: message.title,
            body: message.body ?? '',
            url: `${publicUrl}/t/${tenantSlug}${message.link ?? ''}`,
          },
        });
        return { id: null };
      }
      const inserted = await tx.query<NotificationInfo>(
        `insert into core_notification (tenant_id, id, user_id, type, title, body, link, digest)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning ${COLUMNS}`,
        [
          tx.tenantId,
          id,
          message.userId,
          message.type,
          message.title.trim(),
          message.body ?? null,
          message.link ?? null,
          channel === 'digest',
        ],
      );
      if (channel !== 'digest') await events.publish(NotificationCreated, id, inserted[0] as NotificationInfo);
      return { id };
    },
  };
}

/** The caller's own notifications (REST). Every query is bound to the user: nobody reads another's. */
export const notificationStore = {
  async list(tx: TenantTx, userId: string, opts: { unread: boolean; limit: number; offset: number }) {
    const where = `tenant_id = $1 and user_id = $2${opts.unread ? ' and read_at is null' : ''}`;
    const data = await tx.query<NotificationInfo>(
      `select ${COLUMNS} from core_notification where ${where} order by created_at desc, id desc limit $3 offset $4`,
      [tx.tenantId, userId, opts.limit, opts.offset],
    );
    const count = await tx.query<{ total: number; unread: number }>(
      `select count(*)::int as total, count(*) filter (where read_at is null)::int as unread
       from core_notification where tenant_id = $1 and user_id = $2`,
      [tx.tenantId, userId],
    );
    const total = opts.unread ? (count[0]?.unread ?? 0) : (count[0]?.total ?? 0);
    return { data, total_count: total, unread_count: count[0]?.unread ?? 0, limit: opts.limit, offset: opts.offset };
  },
  async unreadCount(tx: TenantTx, userId: string): Promise<number> {
    const rows = await tx.query<{ n: number }>(
      'select count(*)::int as n from core_notification where tenant_id = $1 and user_id = $2 and read_at is null',
      [tx.tenantId, userId],
    );
    return rows[0]?.n ?? 0;
  },
  async markRead(tx: TenantTx, userId: string, id: string): Promise<NotificationInfo> {
    if (!UUID.test(id)) throw new NotFoundError('Notification');
    const rows = await tx.query<NotificationInfo>(
      `update core_notification set read_at = coalesce(read_at, now())
       where tenant_id = $1 and user_id = $2 and id = $3 returning ${COLUMNS}`,
      [tx.tenantId, userId, id],
    );
    if (!rows[0]) throw new NotFoundError('Notification');
    return rows[0];
  },
  async markAllRead(tx: TenantTx, userId: string): Promise<number> {
    const rows = await tx.query<{ id: string }>(
      `update core_notification set read_at = now()
       where tenant_id = $1 and user_id = $2 and read_at is null returning id`,
      [tx.tenantId, userId],
    );
    return rows.length;
  },
  async preferences(
    tx: TenantTx,
    userId: string,
    kinds: readonly { type: string; title: string }[] = notificationKinds([], new Set()),
  ): Promise<{ type: string; title: string; channel: Channel }[]> {
    const rows = await tx.query<{ type: string; channel: Channel }>(
      `select type, channel from core_notification_pref where tenant_id = $1 and user_id = $2
       union select distinct type, 'in-app' from core_notification n
         where tenant_id = $1 and user_id = $2
           and not exists (select 1 from core_notification_pref p where p.tenant_id = n.tenant_id and p.user_id = n.user_id and p.type = n.type)
       order by type`,
      [tx.tenantId, userId],
    );
    const title = new Map(kinds.map((k) => [k.type, k.title]));
    const out = rows.map((r) => ({ type: r.type, title: title.get(r.type) ?? r.type, channel: r.channel }));
    const have = new Set(rows.map((r) => r.type));
    for (const k of kinds) if (!have.has(k.type)) out.push({ type: k.type, title: k.title, channel: 'in-app' });
    return out.sort((a, b) => a.type.localeCompare(b.type));
  },
  async setPreferences(
    tx: TenantTx,
    userId: string,
    body: unknown,
    kinds?: readonly { type: string; title: string }[],
  ): Promise<{ type: string; title: string; channel: Channel }[]> {
    const prefs = (body as { preferences?: unknown } | null)?.preferences;
    const details: { path: string; message: string }[] = [];
    if (!Array.isArray(prefs) || prefs.length > 200) {
      throw new ValidationError('Invalid preferences', [
        { path: 'preferences', message: 'must be a list of at most 200 entries' },
      ]);
    }
    prefs.forEach((p: { type?: unknown; channel?: unknown }, i) => {
      if (!p || typeof p.type !== 'string' || p.type.length > 200 || !TYPE.test(p.type)) {
        details.push({ path: `preferences.${i}.type`, message: 'must look like "addon.name"' });
      }
      if (!p || !CHANNELS.includes(p.channel as Channel)) {
        details.push({ path: `preferences.${i}.channel`, message: `must be one of ${CHANNELS.join(', ')}` });
      }
    });
    if (details.length) throw new ValidationError('Invalid preferences', details);
    for (const p of prefs as { type: string; channel: Channel }[]) {
      await tx.query(
        `insert into core_notification_pref (tenant_id, user_id, type, channel) values ($1, $2, $3, $4)
         on conflict (tenant_id, user_id, type) do update set channel = excluded.channel`,
        [tx.tenantId, userId, p.type, p.channel],
      );
    }
    return notificationStore.preferences(tx, userId, kinds);
  },
};
