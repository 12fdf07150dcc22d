import type { ActionStep, ConditionExpr, TriggerSpec } from '@elevate/sdk';
import type { AutomationEngine } from './engine.ts';

interface Template {
  key: string;
  name: string;
  description: string;
  trigger: TriggerSpec;
  conditions?: ConditionExpr;
  actions: ActionStep[];
}

/**
 * The five most common rules (issue 12), as rule bodies to start from. Blanks the admin fills in
 * (a team) are empty strings: saving the rule names them until they are set.
 */
const TEMPLATES: Template[] = [
  {
    key: 'new-lead-round-robin',
    name: 'New lead: assign round-robin and create a follow-up task',
    description: 'Each new lead goes to the next member of a team, who gets a task due tomorrow.',
    trigger: { type: 'event', event: 'crm.lead.created' },
    actions: [
      { id: 'assign', action: 'crm.assign_owner', params: { teamId: '', strategy: 'round_robin' } },
      {
        id: 'follow-up',
        action: 'crm.create_activity',
        params: {
          type: 'task',
          subject: 'Follow up: {{payload.title}}',
          dueInDays: 1,
          ownerId: '{{steps.assign.ownerId}}',
        },
      },
    ],
  },
  {
    key: 'deal-won-notify-manager',
    name: "Opportunity won: notify the owner's manager",
    description: 'The managers in the owner’s teams hear about every won deal.',
    trigger: { type: 'event', event: 'crm.opportunity.won' },
    actions: [
      {
        id: 'notify',
        action: 'core.send_notification',
        params: {
          userId: '{{payload.ownerId}}',
          toManagersOf: true,
          title: 'Won: {{payload.title}}',
          body: 'Value {{payload.value}} {{payload.currency}}',
          link: '/crm/opportunities/{{payload.id}}',
        },
      },
    ],
  },
  {
    key: 'activity-overdue-remind',
    name: 'Activity overdue: remind the owner',
    description: 'A day after an open activity was due, its owner is reminded.',
    trigger: { type: 'date', model: 'crm.activity', field: 'dueAt', offsetDays: 1 },
    conditions: { field: 'record.doneAt', op: 'not_set' },
    actions: [
      {
        id: 'remind',
        action: 'core.send_notification',
        params: { userId: '{{record.ownerId}}', title: 'Overdue: {{record.subject}}', link: '/crm/activities' },
      },
    ],
  },
  {
    key: 'web-form-welcome',
    name: 'Contact created from a web form: welcome email',
    description: 'A new contact whose source is the web form gets a welcome email.',
    trigger: { type: 'event', event: 'crm.contact.created' },
    conditions: { field: 'record.source', op: 'equals', value: 'web' },
    actions: [
      {
        id: 'welcome',
        action: 'core.send_email',
        params: {
          to: '{{record.email}}',
          subject: 'Welcome, {{record.name}}',
          body: 'Thank you for getting in touch. We will reply shortly.',
        },
      },
    ],
  },
  {
    key: 'deal-idle-task',
    name: 'Deal idle for 14 days: create a task',
    description: 'An open opportunity nobody touched for 14 days gets a task for its owner.',
    trigger: { type: 'date', model: 'crm.opportunity', field: 'updatedAt', offsetDays: 14 },
    conditions: { field: 'record.status', op: 'equals', value: 'open' },
    actions: [
      {
        id: 'task',
        action: 'crm.create_activity',
        params: { type: 'task', subject: 'Idle deal: {{record.title}}', dueInDays: 0, ownerId: '{{record.ownerId}}' },
      },
    ],
  },
];

/** The templates whose triggers, models and actions this tenant has (a template never names a disabled addon). */
export function ruleTemplates(engine: AutomationEngine, enabled: ReadonlySet<string>): Template[] {
  return TEMPLATES.filter((t) => {
    const reason = engine.catalog.pausedReason(t.trigger, t.actions, enabled);
    if (reason) return false;
    if (t.trigger.type === 'date') {
      const m = engine.catalog.models.get(t.trigger.model);
      if (!m || !(t.trigger.field in m.model.fields || ['createdAt', 'updatedAt'].includes(t.trigger.field)))
        return false;
    }
    return true;
  });
}
