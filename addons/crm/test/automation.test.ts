import { AppError, defineAddon, defineStep, joinHook } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConvertState, crm, LeadConvertContactReady, LeadConvertOpportunityReady } from '../src/index.ts';

// crm's workflow actions (docs/automation.md) run by the real engine, and lead conversion as
// steps with compensation that another addon joins.

const api = '/api/v1/crm';
const WAIT = { timeout: 30_000, interval: 50 };

/** What the joining addon's steps saw, in order (outside the database, which rolls back). */
const journal: string[] = [];
const credit = defineAddon({
  id: 'credit',
  version: '1.0.0',
  title: 'Credit check (test)',
  description:
    'Joins lead conversion: reserves credit once the contact is known, checks it once the opportunity exists.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [crm],
  contributes: [
    joinHook(
      LeadConvertContactReady,
      defineStep(
        'reserve-credit',
        (s: ConvertState) => {
          journal.push(`reserve ${s.lead?.title}`);
          return s.contactId;
        },
        async (contactId, s, ctx) => {
          // Compensations run newest first: the opportunity is already undone, the contact not yet.
          const opp = await ctx.db.query('select id from crm_opportunity where tenant_id = $1 and id = $2', [
            ctx.tenant.id,
            s.opportunity?.id,
          ]);
          const contact = await ctx.db.query('select id from crm_contact where tenant_id = $1 and id = $2', [
            ctx.tenant.id,
            contactId,
          ]);
          journal.push(
            `release ${s.lead?.title}: opportunity ${opp.length ? 'still there' : 'gone'}, contact ${contact.length ? 'still there' : 'gone'}`,
          );
        },
      ),
    ),
    joinHook(
      LeadConvertOpportunityReady,
      defineStep('check-credit', (s: ConvertState) => {
        if (s.lead?.title.includes('refused')) {
          throw new AppError('CREDIT_REFUSED', 'The credit check refused this customer', { status: 409 });
        }
        journal.push(`checked ${s.lead?.title}`);
      }),
    ),
  ],
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, credit] });
});
afterAll(() => env?.close());

const post = async (t: TestTenant, path: string, body: Record<string, unknown>) => {
  const res = await t.client.post(path, body);
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  return res.body;
};
const userId = async (email: string) =>
  (await env.sql<{ id: string }>('select id from core_user where lower(email) = lower($1)', [email]))[0]?.id as string;
const runsOf = async (t: TestTenant, ruleId: string) =>
  (await t.client.get(`/api/v1/core/automation/runs?rule=${ruleId}&limit=200`)).body.data as {
    id: string;
    status: string;
    error: string | null;
  }[];
const done = (r: { status: string }) => ['succeeded', 'failed', 'stopped'].includes(r.status);

/** A team of three members; returns their ids in the order round-robin takes them (by id). */
async function team(t: TestTenant, slug: string) {
  const emails = ['a', 'b', 'c'].map((x) => `${x}@${slug}.test`);
  for (const e of emails) await t.as('member', e);
  const ids = await Promise.all(emails.map(userId));
  const created = await post(t, '/api/v1/core/teams', { name: `Sales ${slug}`, memberIds: ids });
  return { teamId: created.id as string, members: [...ids].sort() };
}

describe('the comment trigger', () => {
  it('core.comment.created runs a rule with the commented record as record.*', async () => {
    const t = await env.tenant('wf-cmt', { enable: ['crm'] });
    const member = await t.as('member', 'mo@wf-cmt.test');
    const mo = await userId('mo@wf-cmt.test');
    const contact = await post(t, `${api}/contacts`, { name: 'Grace Hopper', ownerId: mo });
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Urgent comments reach the owner',
      trigger: { type: 'event', event: 'core.comment.created' },
      conditions: { all: [{ field: 'payload.text', op: 'contains', value: 'urgent' }] },
      actions: [
        {
          id: 'tell',
          action: 'core.send_notification',
          params: { userId: '{{record.ownerId}}', title: 'Urgent comment on {{record.name}}' },
        },
      ],
    });
    await post(t, '/api/v1/core/comments', { model: 'crm.contact', recordId: contact.id, body: 'just a note' });
    await post(t, '/api/v1/core/comments', { model: 'crm.contact', recordId: contact.id, body: 'This is URGENT' });
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(1), WAIT);
    expect((await runsOf(t, rule.id))[0]?.status).toBe('succeeded');
    const told = (await member.get('/api/v1/core/notifications')).body.data as { type: string; title: string }[];
    expect(told).toEqual([
      expect.objectContaining({ type: 'core.automation', title: 'Urgent comment on Grace Hopper' }),
    ]);
  });
});

describe('crm actions', () => {
  it('a website form posted to an inbound webhook becomes a lead owned by the rule owner, once per delivery', async () => {
    const t = await env.tenant('wf-form', { enable: ['crm'] });
    const other = await env.tenant('wf-form-b', { enable: ['crm'] });
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Contact form → lead',
      trigger: {
        type: 'inbound',
        body: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string' }, email: { type: 'string' }, message: { type: 'string' } },
        },
      },
      actions: [
        {
          id: 'lead',
          action: 'crm.create_lead',
          params: {
            title: 'Website: {{payload.name}}',
            contactName: '{{payload.name}}',
            email: '{{payload.email}}',
            source: 'website',
            description: '{{payload.message}}',
          },
        },
      ],
    });
    const made = await post(t, `/api/v1/core/automation/rules/${rule.id}/inbound`, { signed: false });
    const send = (body: unknown, id: string) =>
      fetch(`${env.url}${new URL(made.url as string).pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': id },
        body: JSON.stringify(body),
      });
    const form = { name: 'Ada Lovelace', email: 'ada@example.test', message: 'Please call me' };
    expect((await send(form, 'msg_form_1')).status).toBeLessThan(300);
    // The same delivery again (a retrying form provider) runs nothing more.
    expect((await (await send(form, 'msg_form_1')).json()).duplicate).toBe(true);
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(1), WAIT);
    expect((await runsOf(t, rule.id))[0]?.status).toBe('succeeded');
    const leads = (await t.client.get(`${api}/leads`)).body.data as Record<string, unknown>[];
    expect(leads).toEqual([
      expect.objectContaining({
        title: 'Website: Ada Lovelace',
        contactName: 'Ada Lovelace',
        email: 'ada@example.test',
        // "website" is the label of the seeded lead source `web` (crm 1.2.0: sources are the company's list).
        source: 'web',
        description: 'Please call me',
        ownerId: await userId(t.ownerEmail),
      }),
    ]);
    // A bad address fails the step with the lead service's reason and writes no lead.
    expect((await send({ name: 'Bad', email: 'not-an-email' }, 'msg_form_2')).status).toBeLessThan(300);
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(2), WAIT);
    const runs = await runsOf(t, rule.id);
    const failed = runs.find((r) => r.status === 'failed');
    expect(failed?.error).toMatch(/email/i);
    expect((await t.client.get(`${api}/leads`)).body.data).toHaveLength(1);
    // Another company neither sees the rule's leads nor can post to the URL as its own.
    expect((await other.client.get(`${api}/leads`)).body.data).toEqual([]);
  });

  it('new lead → assigned round-robin among a team, with a follow-up task for the assignee', async () => {
    const t = await env.tenant('wf-rr', { enable: ['crm'] });
    const { teamId, members } = await team(t, 'wf-rr');
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Round robin',
      trigger: { type: 'event', event: 'crm.lead.created' },
      actions: [
        { id: 'assign', action: 'crm.assign_owner', params: { teamId, strategy: 'round_robin' } },
        {
          id: 'task',
          action: 'crm.create_activity',
          params: {
            type: 'task',
            subject: 'Follow up: {{payload.title}}',
            dueInDays: 1,
            ownerId: '{{steps.assign.ownerId}}',
          },
        },
      ],
    });
    // One member reads the app in German: their assignment notices are written in German.
    const [german] = members as [string];
    await env.sql("update core_user set language = 'de' where tenant_id = $1 and id = $2", [t.id, german]);
    const leads: string[] = [];
    for (const n of [1, 2, 3, 4]) leads.push((await post(t, `${api}/leads`, { title: `Lead ${n}` })).id);
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(4), WAIT);
    // Each assignee was told (crm.assignment, in-app by default), with a link to the lead.
    const told = await env.sql<{ user_id: string; title: string; link: string }>(
      "select user_id, title, link from core_notification where tenant_id = $1 and type = 'crm.assignment'",
      [t.id],
    );
    expect(told).toHaveLength(4);
    expect(new Set(told.map((n) => n.user_id))).toEqual(new Set(members));
    expect(told.map((n) => n.link).sort()).toEqual(leads.map((id) => `/crm/leads/${id}`).sort());
    for (const n of told) {
      const lead = `Lead ${leads.findIndex((id) => n.link.endsWith(id)) + 1}`;
      expect(n.title).toBe(n.user_id === german ? `${lead} wurde Ihnen zugewiesen` : `${lead} was assigned to you`);
    }
    expect(told.some((n) => n.user_id === german)).toBe(true);
    expect((await runsOf(t, rule.id)).map((r) => r.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const owners = await env.sql<{ title: string; owner_id: string }>(
      'select title, owner_id from crm_lead where tenant_id = $1 order by title',
      [t.id],
    );
    // Four leads over three members: each in turn, then the first again (runs may finish in any
    // order, so count, not sequence).
    const counts = new Map<string, number>();
    for (const o of owners) counts.set(o.owner_id, (counts.get(o.owner_id) ?? 0) + 1);
    expect([...counts.keys()].every((id) => members.includes(id))).toBe(true);
    expect([...counts.values()].sort()).toEqual([1, 1, 2]);
    const tasks = await env.sql<{ subject: string; owner_id: string; lead_id: string; due_at: string | null }>(
      "select subject, owner_id, lead_id, due_at from crm_activity where tenant_id = $1 and kind = 'task' order by subject",
      [t.id],
    );
    expect(tasks.map((x) => x.subject)).toEqual([
      'Follow up: Lead 1',
      'Follow up: Lead 2',
      'Follow up: Lead 3',
      'Follow up: Lead 4',
    ]);
    for (const task of tasks) {
      const lead = owners.find((o) => `Follow up: ${o.title}` === task.subject);
      expect(task.owner_id).toBe(lead?.owner_id);
      expect(leads).toContain(task.lead_id);
      expect(task.due_at).toBeTruthy();
    }
  });

  it('load-balanced assignment gives a new lead to the member with the fewest open leads', async () => {
    const t = await env.tenant('wf-lb', { enable: ['crm'] });
    const { teamId, members } = await team(t, 'wf-lb');
    const [m1, m2, m3] = members as [string, string, string];
    // m1 has two open leads, m2 one, m3 one converted (not open) and none open.
    await post(t, `${api}/leads`, { title: 'x1', ownerId: m1 });
    await post(t, `${api}/leads`, { title: 'x2', ownerId: m1 });
    await post(t, `${api}/leads`, { title: 'y1', ownerId: m2 });
    const z = await post(t, `${api}/leads`, { title: 'z1', ownerId: m3 });
    await post(t, `${api}/leads/${z.id}/convert`, {});
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Balance',
      trigger: { type: 'event', event: 'crm.lead.created' },
      conditions: { field: 'payload.title', op: 'equals', value: 'incoming' },
      actions: [{ id: 'assign', action: 'crm.assign_owner', params: { teamId, strategy: 'load_balanced' } }],
    });
    const lead = await post(t, `${api}/leads`, { title: 'incoming' });
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(1), WAIT);
    expect((await t.client.get(`${api}/leads/${lead.id}`)).body.ownerId).toBe(m3);
  });

  it('opportunity won → an activity for its owner, a tag on its contact, and the owner notified', async () => {
    const t = await env.tenant('wf-won', { enable: ['crm'] });
    const me = await userId('owner@wf-won.test');
    const contact = await post(t, `${api}/contacts`, { name: 'Grace' });
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Won',
      trigger: { type: 'event', event: 'crm.opportunity.won' },
      conditions: { field: 'payload.value', op: 'greater', value: '999.99' },
      actions: [
        {
          id: 'kickoff',
          action: 'crm.create_activity',
          params: { type: 'meeting', subject: 'Kick-off {{payload.title}}' },
        },
        { id: 'tag', action: 'crm.add_tag', params: { tag: 'Customer' } },
        {
          id: 'tell',
          action: 'core.send_notification',
          params: { userId: '{{payload.ownerId}}', title: 'Won {{payload.title}}' },
        },
      ],
    });
    const small = await post(t, `${api}/opportunities`, { title: 'Small', value: '999.99', contactId: contact.id });
    const big = await post(t, `${api}/opportunities`, { title: 'Big', value: '1000.00', contactId: contact.id });
    await post(t, `${api}/opportunities/${small.id}/win`, {});
    await post(t, `${api}/opportunities/${big.id}/win`, {});
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(1), WAIT);
    expect((await runsOf(t, rule.id))[0]?.status).toBe('succeeded');
    const acts = await env.sql<{ subject: string; owner_id: string; opportunity_id: string; contact_id: string }>(
      "select subject, owner_id, opportunity_id, contact_id from crm_activity where tenant_id = $1 and kind = 'meeting'",
      [t.id],
    );
    expect(acts).toEqual([{ subject: 'Kick-off Big', owner_id: me, opportunity_id: big.id, contact_id: contact.id }]);
    const tags = (await t.client.get(`${api}/contacts/${contact.id}`)).body.tags as { name: string }[];
    expect(tags.map((x) => x.name)).toEqual(['Customer']);
    await env.flush();
    const notes = (await t.client.get('/api/v1/core/notifications')).body.data as { title: string }[];
    expect(notes.map((n) => n.title)).toEqual(['Won Big']);
  });

  it('moves an opportunity to a stage; a record without a pipeline stage fails the step with the reason', async () => {
    const t = await env.tenant('wf-move', { enable: ['crm'] });
    const p = (await t.client.get(`${api}/pipelines`)).body.data[0] as { stages: { id: string; kind: string }[] };
    const open = p.stages.filter((s) => s.kind === 'open');
    const target = open[1] as { id: string };
    const rule = await post(t, '/api/v1/core/automation/rules', {
      name: 'Fast lane',
      trigger: { type: 'event', event: 'crm.opportunity.created' },
      actions: [{ id: 'move', action: 'crm.move_stage', params: { stageId: target.id } }],
    });
    const opp = await post(t, `${api}/opportunities`, { title: 'Fast' });
    await vi.waitFor(async () => expect((await runsOf(t, rule.id)).filter(done)).toHaveLength(1), WAIT);
    expect((await t.client.get(`${api}/opportunities/${opp.id}`)).body.stage).toBe(target.id);
    // The same action on a lead trigger is refused at once (no retry can fix it).
    const wrong = await post(t, '/api/v1/core/automation/rules', {
      name: 'Wrong record',
      trigger: { type: 'event', event: 'crm.lead.created' },
      actions: [{ id: 'move', action: 'crm.move_stage', params: { stageId: target.id } }],
    });
    await post(t, `${api}/leads`, { title: 'Not an opportunity' });
    await vi.waitFor(async () => expect((await runsOf(t, wrong.id)).filter(done)).toHaveLength(1), WAIT);
    const failed = (await runsOf(t, wrong.id))[0];
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toContain('crm.opportunity');
  });

  it('offers the five templates a crm company can use, and they save as rules', async () => {
    const t = await env.tenant('wf-tpl', { enable: ['crm'] });
    const { teamId } = await team(t, 'wf-tpl');
    const tpl = (await t.client.get('/api/v1/core/automation/templates')).body.data as {
      key: string;
      name: string;
      trigger: unknown;
      conditions?: unknown;
      actions: { params?: Record<string, unknown> }[];
    }[];
    // Each template saves as a rule once its blank (the round-robin's team) is filled in.
    const saveAsRules = async (list: typeof tpl) => {
      for (const x of list) {
        const actions = x.actions.map((a) =>
          a.params && 'teamId' in a.params ? { ...a, params: { ...a.params, teamId } } : a,
        );
        const res = await t.client.post('/api/v1/core/automation/rules', {
          name: x.name,
          trigger: x.trigger,
          ...(x.conditions ? { conditions: x.conditions } : {}),
          actions,
        });
        expect(res.status, `${x.key}: ${JSON.stringify(res.body)}`).toBe(201);
      }
    };
    expect(tpl.map((x) => x.key).sort()).toEqual([
      'activity-overdue-remind',
      'deal-idle-task',
      'deal-won-notify-manager',
      'new-lead-round-robin',
      'web-form-welcome',
    ]);
    await saveAsRules(tpl);
    // A German admin gets them in German, the texts the steps write too, expressions kept; they save.
    expect((await t.client.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    const de = (await t.client.get('/api/v1/core/automation/templates')).body.data as typeof tpl;
    const lead = de.find((x) => x.key === 'new-lead-round-robin');
    expect(lead?.name).toBe('Neuer Lead: reihum zuweisen und eine Nachfassaufgabe anlegen');
    expect(lead?.actions[1]?.params).toMatchObject({
      subject: 'Nachfassen: {{payload.title}}',
      type: 'task',
      dueInDays: 1,
    });
    expect(de.find((x) => x.key === 'deal-won-notify-manager')?.actions[0]?.params).toMatchObject({
      title: 'Gewonnen: {{payload.title}}',
      body: 'Wert {{payload.value}} {{payload.currency}}',
      userId: '{{payload.ownerId}}',
      link: '/crm/opportunities/{{payload.id}}',
    });
    expect(de.map((x) => x.key)).toEqual(tpl.map((x) => x.key));
    await saveAsRules(de);
  });
});

describe('lead conversion as steps', () => {
  it('runs the steps another addon joined, and converts', async () => {
    const t = await env.tenant('wf-conv', { enable: ['crm', 'credit'] });
    const lead = await post(t, `${api}/leads`, {
      title: 'Welcome Ltd',
      companyName: 'Welcome Ltd',
      contactName: 'Wendy',
    });
    const res = await t.client.post(`${api}/leads/${lead.id}/convert`, {});
    expect(res.status).toBe(201);
    expect(res.body.lead.status).toBe('converted');
    expect(journal.filter((j) => j.includes('Welcome Ltd'))).toEqual(['reserve Welcome Ltd', 'checked Welcome Ltd']);
  });

  it('a failing later step undoes the earlier ones, newest first, and writes nothing', async () => {
    const t = await env.tenant('wf-undo', { enable: ['crm', 'credit'] });
    const lead = await post(t, `${api}/leads`, {
      title: 'refused Corp',
      companyName: 'Refused Corp',
      contactName: 'Rita',
    });
    const res = await t.client.post(`${api}/leads/${lead.id}/convert`, {});
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CREDIT_REFUSED');
    // The opportunity's compensation ran before the credit reservation's, the contact's after it.
    expect(journal.filter((j) => j.includes('refused Corp'))).toEqual([
      'reserve refused Corp',
      'release refused Corp: opportunity gone, contact still there',
    ]);
    const after = await t.client.get(`${api}/leads/${lead.id}`);
    expect(after.body.status).toBe('new');
    const counts = await env.sql<{ c: number; o: number }>(
      `select (select count(*)::int from crm_contact where tenant_id = $1) as c,
              (select count(*)::int from crm_opportunity where tenant_id = $1) as o`,
      [t.id],
    );
    expect(counts[0]).toEqual({ c: 0, o: 0 });
  });

  it('without the joining addon enabled, its steps are not asked', async () => {
    const t = await env.tenant('wf-alone', { enable: ['crm'] });
    const lead = await post(t, `${api}/leads`, { title: 'refused but alone' });
    expect((await t.client.post(`${api}/leads/${lead.id}/convert`, {})).status).toBe(201);
    expect(journal.filter((j) => j.includes('alone'))).toEqual([]);
  });
});
