import { defineAction } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { type ActivityInput, createActivity } from '../services/activities.service.ts';
import { dueIn } from './record-of.ts';

/** A call, meeting, email or task, linked to the trigger's contact, lead or opportunity. */
export const createActivityAction = defineAction<
  {
    type: string;
    subject: string;
    description?: string;
    dueInDays?: number;
    ownerId?: string;
  },
  { activityId: string; ownerId: string | null }
>({
  name: 'crm.create_activity',
  title: 'Create an activity',
  description:
    'A task, call, meeting or email for a user (default: the record’s owner), linked to the record the rule is about.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'subject'],
    properties: {
      type: {
        type: 'string',
        minLength: 1,
        maxLength: 60,
        title: 'Type',
        description: "The key of one of the company's activity types: call, meeting, email, task or its own",
      },
      subject: { type: 'string', minLength: 1, maxLength: 200, title: 'Subject' },
      description: { type: 'string', maxLength: 5000, title: 'Description', 'x-widget': 'textarea' },
      dueInDays: { type: 'integer', minimum: 0, maximum: 365, title: 'Due in (days)' },
      ownerId: { type: 'string', format: 'uuid', title: 'Owner', 'x-widget': 'user' },
    },
  },
  result: {
    type: 'object',
    properties: { activityId: { type: 'string' }, ownerId: { type: ['string', 'null'] } },
  },
  describe: (p, info) =>
    messages.text(info.language, 'describe.crm.create_activity', {
      type: p.type,
      subject: p.subject,
      owner: String(p.ownerId ?? info.trigger.record?.ownerId ?? messages.text(info.language, 'describe.ruleOwner')),
    }),
  async run(p, ctx) {
    const owner = await ctx.asOwner();
    const { model, recordId, record } = ctx.trigger;
    const link: Partial<ActivityInput> =
      model === 'crm.contact'
        ? { contactId: recordId }
        : model === 'crm.lead'
          ? { leadId: recordId }
          : model === 'crm.opportunity'
            ? { opportunityId: recordId, contactId: (record?.contact as string | null) ?? null }
            : {};
    const ownerId = p.ownerId ?? (record?.ownerId as string | null | undefined) ?? ctx.rule.ownerId;
    const row = await createActivity(owner, {
      kind: p.type,
      subject: p.subject,
      description: p.description ?? null,
      dueAt: dueIn(ctx, p.dueInDays),
      ownerId,
      ...link,
    });
    return { activityId: row.id, ownerId: row.ownerId };
  },
});
