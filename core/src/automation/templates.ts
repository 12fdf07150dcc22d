import { type ActionStep, type ConditionExpr, serverMessages, type TriggerSpec } from '@elevate/sdk';
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

// The templates in the reader's language: ./messages/<lang>.json holds each one's name and
// description and the texts its steps write (`<key>.<step>.<param>`), with `{title}` where the
// English text has `{{payload.title}}` — a rule saved from a German template writes German tasks.
const messages = serverMessages(new URL('./messages/', import.meta.url));

function localized(t: Template, language: string | null | undefined): Template {
  if (!language || language === 'en') return t;
  const text = (key: string, english: string) => {
    // {{a.b.title}} → {title}: the catalogue's placeholders, filled back with the expression.
    const values: Record<string, string> = {};
    for (const m of english.matchAll(/\{\{\s*([\w.]+)\s*\}\}/g))
      values[(m[1] as string).split('.').pop() as string] = m[0];
    const out = messages.text(language, key, values);
    return out === key ? english : out;
  };
  return {
    ...t,
    name: text(`${t.key}.name`, t.name),
    description: text(`${t.key}.description`, t.description),
    // Only words are translated: a lone expression, a path or an empty blank stays as it is.
    actions: t.actions.map((step) =>
      'params' in step && step.params
        ? {
            ...step,
            params: Object.fromEntries(
              Object.entries(step.params).map(([k, v]) => [
                k,
                typeof v === 'string' && !/^(\{\{[^}]*\}\}|\/.*)?$/.test(v) ? text(`${t.key}.${step.id}.${k}`, v) : v,
              ]),
            ) as typeof step.params,
          }
        : step,
    ),
  };
}

/** The templates whose triggers, models and actions this tenant has (a template never names a disabled addon), in `language`. */
export function ruleTemplates(
  engine: AutomationEngine,
  enabled: ReadonlySet<string>,
  language?: string | null,
): Template[] {
  return TEMPLATES.map((t) => localized(t, language)).filter((t) => {
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
