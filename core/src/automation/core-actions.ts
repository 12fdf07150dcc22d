import { type ActionContext, type AnyAction, defineAction, NotFoundError, ValidationError } from '@elevate/sdk';
import type { Runtime } from '../runtime.ts';
import { post, sign } from '../webhooks/webhooks.ts';
import type { Catalog } from './catalog.ts';
import { automationText } from './catalog.ts';

export const WAIT_ACTION = 'core.wait';

/** Milliseconds a wait step's params stand for. */
export function waitMs(p: { minutes?: number; hours?: number; days?: number }): number {
  return ((p.days ?? 0) * 1440 + (p.hours ?? 0) * 60 + (p.minutes ?? 0)) * 60_000;
}

/**
 * The core's actions. `secretOf` gives the signing secret of the rule a context runs for (kept
 * out of the SDK's context: no addon action can read it).
 */
export function coreActions(
  rt: Runtime,
  catalog: () => Catalog,
  secretOf: (ctx: ActionContext) => string,
): AnyAction[] {
  return [
    defineAction<{ to: string; subject: string; body: string; url?: string }, { mailId: string }>({
      name: 'core.send_email',
      title: 'Send an email',
      description: 'An email from the company, sent when the step commits (retried by the mail service).',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['to', 'subject', 'body'],
        properties: {
          to: { type: 'string', format: 'email', maxLength: 320, title: 'To' },
          subject: { type: 'string', minLength: 1, maxLength: 200, title: 'Subject' },
          body: { type: 'string', minLength: 1, maxLength: 5000, title: 'Message', 'x-widget': 'textarea' },
          url: { type: 'string', maxLength: 2000, title: 'Button link (path in the app or full URL)' },
        },
      },
      result: { type: 'object', properties: { mailId: { type: 'string' } } },
      describe: (p, info) =>
        automationText(info.language, 'describe.core.send_email', { subject: p.subject, to: p.to }),
      async run(p, ctx) {
        const url = !p.url
          ? `${rt.config.publicUrl}/t/${ctx.tenant.slug}`
          : /^https?:\/\//.test(p.url)
            ? p.url
            : `${rt.config.publicUrl}/t/${ctx.tenant.slug}${p.url.startsWith('/') ? '' : '/'}${p.url}`;
        const { id } = await ctx.mail.send({
          to: p.to,
          template: 'core.notification',
          data: { title: p.subject, body: p.body, url },
        });
        return { mailId: id };
      },
    }),
    defineAction<
      { userId: string; toManagersOf?: boolean; title: string; body?: string; link?: string },
      { notified: string[] }
    >({
      name: 'core.send_notification',
      title: 'Notify a user',
      description: 'An in-app notification (or an email, by the user’s preference) of type core.automation.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['userId', 'title'],
        properties: {
          userId: { type: 'string', format: 'uuid', title: 'User', 'x-widget': 'user' },
          toManagersOf: {
            type: 'boolean',
            title: 'Notify the managers of this user’s teams instead',
          },
          title: { type: 'string', minLength: 1, maxLength: 200, title: 'Title' },
          body: { type: 'string', maxLength: 2000, title: 'Text', 'x-widget': 'textarea' },
          link: { type: 'string', maxLength: 2000, pattern: '^/', title: 'Link (a path in the app)' },
        },
      },
      result: { type: 'object', properties: { notified: { type: 'array', items: { type: 'string' } } } },
      describe: (p, info) =>
        automationText(info.language, 'describe.core.send_notification', {
          managers: p.toManagersOf ? 'yes' : 'no',
          userId: p.userId,
          title: p.title,
        }),
      async run(p, ctx) {
        const to = p.toManagersOf
          ? (
              await ctx.db.query<{ id: string }>(
                `select distinct u.id from core_team_member me
                   join core_team t on t.tenant_id = me.tenant_id and t.id = me.team_id
                   join core_user u on u.tenant_id = t.tenant_id and u.id = t.manager_id and u.active
                   where me.tenant_id = $1 and me.user_id = $2 and u.id <> $2 order by u.id`,
                [ctx.tenant.id, p.userId],
              )
            ).map((r) => r.id)
          : [p.userId];
        const notified: string[] = [];
        for (const userId of to) {
          const { id } = await ctx.notifications.send({
            userId,
            type: 'core.automation',
            title: p.title,
            ...(p.body ? { body: p.body } : {}),
            ...(p.link ? { link: p.link } : {}),
          });
          if (id) notified.push(userId);
        }
        return { notified };
      },
    }),
    defineAction<{ url: string; body?: unknown }, { statusCode: number | null; durationMs: number }>({
      name: 'core.call_webhook',
      title: 'Call a webhook',
      description:
        'POST JSON to a URL, signed like outgoing webhooks (Webhook-Id/-Timestamp/-Signature with the rule’s signing secret). Private addresses are refused in production.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: {
          url: { type: 'string', maxLength: 2000, pattern: '^https?://', title: 'URL' },
          body: { title: 'Body (JSON; default: the trigger payload)' },
        },
      },
      result: {
        type: 'object',
        properties: { statusCode: { type: ['integer', 'null'] }, durationMs: { type: 'integer' } },
      },
      attempts: 5,
      backoffMs: 5000,
      describe: (p, info) => automationText(info.language, 'describe.core.call_webhook', { url: p.url }),
      async run(p, ctx) {
        const messageId = `run_${ctx.run.id}_${ctx.stepId}`;
        const body = JSON.stringify({
          id: messageId,
          type: ctx.trigger.event,
          rule: ctx.rule.id,
          tenant: ctx.tenant.slug,
          data: p.body === undefined ? (ctx.trigger.payload ?? null) : p.body,
        });
        const timestamp = Math.floor(ctx.now().getTime() / 1000);
        const res = await post(
          p.url,
          {
            'user-agent': 'ElevateCRM-Automation/1',
            'webhook-id': messageId,
            'webhook-timestamp': String(timestamp),
            'webhook-signature': sign(secretOf(ctx), messageId, timestamp, body),
          },
          body,
          { allowPrivate: rt.config.webhooks.allowPrivate, timeoutMs: rt.config.webhooks.timeoutMs },
        );
        if (!res.ok) throw new Error(`Webhook call failed: ${res.error ?? `HTTP ${res.statusCode}`}`);
        return { statusCode: res.statusCode, durationMs: res.durationMs };
      },
    }),
    defineAction<{ field: string; value: unknown }, { id: string; field: string }>({
      name: 'core.update_record',
      title: 'Update a field of the record',
      description:
        'Sets one field of the record the trigger is about, through the data layer, with the rule owner’s permissions and record rules.',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['field', 'value'],
        properties: {
          field: {
            type: 'string',
            pattern: '^[a-zA-Z][a-zA-Z0-9]*$',
            maxLength: 100,
            title: 'Field',
            'x-widget': 'field',
          },
          value: { title: 'New value' },
        },
      },
      describe: (p, info) =>
        automationText(info.language, 'describe.core.update_record', {
          field: p.field,
          model: info.trigger.model ?? automationText(info.language, 'describe.theRecord'),
          id: info.trigger.recordId ?? '',
          value: JSON.stringify(p.value),
        }).trim(),
      async run(p, ctx) {
        const { model: name, recordId } = ctx.trigger;
        const info = name ? catalog().models.get(name) : undefined;
        if (!info || !recordId) {
          throw new ValidationError('This trigger is about no record', [
            { path: 'field', message: 'no record to update' },
          ]);
        }
        const model = info.model;
        if (!(p.field in model.fields) && !(p.field === 'ownerId' && model.owned)) {
          throw new ValidationError(`${model.name} has no field "${p.field}"`, [
            { path: 'field', message: `is not a field of ${model.name}` },
          ]);
        }
        const owner = await ctx.asOwner();
        const repo = await owner.scoped(model, `${model.access}.write`);
        const updated = await repo.update(recordId, { [p.field]: p.value } as never);
        if (!updated) throw new NotFoundError(`${model.name} ${recordId}`);
        return { id: recordId, field: p.field };
      },
    }),
    defineAction<{ minutes?: number; hours?: number; days?: number }, { until: string }>({
      name: WAIT_ACTION,
      title: 'Wait',
      description: 'Pause the run, then go on with the next step.',
      params: {
        type: 'object',
        additionalProperties: false,
        minProperties: 1,
        properties: {
          minutes: { type: 'integer', minimum: 0, maximum: 525_600, title: 'Minutes' },
          hours: { type: 'integer', minimum: 0, maximum: 8760, title: 'Hours' },
          days: { type: 'integer', minimum: 0, maximum: 365, title: 'Days' },
        },
      },
      describe: (p, info) => automationText(info.language, 'describe.core.wait', { minutes: waitMs(p) / 60_000 }),
      // The engine handles waits itself (the run is parked, its slot freed): never called.
      run: () => {
        throw new Error('core.wait is run by the engine');
      },
    }),
  ];
}
