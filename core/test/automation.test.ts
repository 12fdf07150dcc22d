import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineAction, defineAddon, defineTrigger, type PublishedEvent } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Project, ProjectCreated, ProjectUpdated, projects } from '@elevate-fixture/projects';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

const WAIT = { timeout: 30_000, interval: 50 };

/** What the test addon's actions did, in order (an effect outside the database the test can read). */
const effects: { tenant: string; label: string; run: string }[] = [];
/** `autotest.flaky` fails while its key's count is above zero. */
const failures = new Map<string, number>();

const payload = { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } };
const autotest = defineAddon({
  id: 'autotest',
  version: '1.0.0',
  title: 'Automation test addon',
  description: 'Triggers and actions for the rule engine tests.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [projects],
  workflows: [
    defineTrigger(ProjectCreated, { title: 'Project created', payload, model: Project }),
    defineTrigger(ProjectUpdated, { title: 'Project updated', payload, model: Project }),
    defineAction<{ label: string }, { n: number }>({
      name: 'autotest.record',
      title: 'Record',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['label'],
        properties: { label: { type: 'string', minLength: 1 } },
      },
      run: (p, ctx) => {
        effects.push({ tenant: ctx.tenant.slug, label: p.label, run: ctx.run.id });
        return { n: effects.length };
      },
    }),
    defineAction<{ key: string }, { ok: true }>({
      name: 'autotest.flaky',
      title: 'Fails while told to',
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
      attempts: 3,
      backoffMs: 10,
      run: (p) => {
        const left = failures.get(p.key) ?? 0;
        if (left > 0) {
          failures.set(p.key, left - 1);
          throw new Error(`flaky ${p.key} failed (${left} left)`);
        }
        return { ok: true };
      },
    }),
  ],
});

let env: TestEnv;
let server: Server;
let base: string;
const received: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      res.writeHead(req.url?.startsWith('/fail') ? 500 : 200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  env = await bootTestKernel({ addons: [projects, autotest], env: { WEBHOOKS_ALLOW_PRIVATE: 'true' } });
});
afterAll(async () => {
  await env?.close();
  await new Promise((r) => server?.close(r));
});
const realClock = { now: () => new Date() };
afterEach(() => {
  env.kernel.automation.clock = realClock;
});

const tenant = (slug: string) => env.tenant(slug, { enable: ['projects', 'autotest'] });
const createProject = async (t: TestTenant, name: string) => {
  const res = await t.client.post('/api/v1/projects/projects', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const rule = async (t: TestTenant, body: Record<string, unknown>) => {
  const res = await t.client.post('/api/v1/core/automation/rules', { name: 'Rule', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; signingSecret: string; status: string };
};
interface Run {
  id: string;
  status: string;
  depth: number;
  reason: string | null;
  failedStep: string | null;
  error: string | null;
  eventKey: string;
  startSeq: string | null;
}
const runs = async (t: TestTenant, ruleId: string) => {
  const res = await t.client.get(`/api/v1/core/automation/runs?rule=${ruleId}&limit=200`);
  expect(res.status).toBe(200);
  return res.body.data as Run[];
};
const settled = (r: Run) => ['succeeded', 'failed', 'stopped'].includes(r.status);
const runDetail = async (t: TestTenant, id: string) =>
  (await t.client.get(`/api/v1/core/automation/runs/${id}`)).body as Run & {
    steps: {
      stepId: string;
      action: string;
      status: string;
      input: unknown;
      output: unknown;
      error: string | null;
      attempts: number;
      durationMs: number | null;
    }[];
  };
const onCreated = { type: 'event', event: 'projects.project.created' };
const record = (id: string, label: string) => ({ id, action: 'autotest.record', params: { label } });

describe('rules', () => {
  it('creates, lists, changes and removes a rule; the catalog shows what the enabled addons offer', async () => {
    const t = await tenant('au-crud');
    const catalog = await t.client.get('/api/v1/core/automation/catalog');
    expect(catalog.status).toBe(200);
    const actionNames = catalog.body.actions.map((a: { name: string }) => a.name);
    expect(actionNames).toEqual(expect.arrayContaining(['core.send_email', 'core.wait', 'autotest.record']));
    expect(catalog.body.triggers.map((x: { name: string }) => x.name)).toContain('projects.project.created');
    const r = await rule(t, { trigger: onCreated, actions: [record('a', 'x')] });
    expect(r.status).toBe('active');
    expect(r.signingSecret).toMatch(/^whsec_/);
    const list = await t.client.get('/api/v1/core/automation/rules');
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([r.id]);
    expect(JSON.stringify(list.body)).not.toContain(r.signingSecret);
    const off = await t.client.patch(`/api/v1/core/automation/rules/${r.id}`, { enabled: false });
    expect(off.body.status).toBe('disabled');
    expect((await t.client.delete(`/api/v1/core/automation/rules/${r.id}`)).status).toBe(204);
    expect((await t.client.get(`/api/v1/core/automation/rules/${r.id}`)).status).toBe(404);
  });

  it('answers 400 naming the field for bad rules, and writes nothing', async () => {
    const t = await tenant('au-bad');
    const cases: [Record<string, unknown>, string][] = [
      [{ trigger: onCreated, actions: [] }, 'actions'],
      [{ trigger: { type: 'event', event: 'nope.thing.happened' }, actions: [record('a', 'x')] }, 'trigger.event'],
      [
        { trigger: { type: 'record', model: 'projects.project', on: 'moved' }, actions: [record('a', 'x')] },
        'trigger.on',
      ],
      [{ trigger: { type: 'schedule', cron: 'every day' }, actions: [record('a', 'x')] }, 'trigger.cron'],
      [
        {
          trigger: { type: 'date', model: 'projects.project', field: 'name', offsetDays: 1 },
          actions: [record('a', 'x')],
        },
        'trigger.field',
      ],
      [{ trigger: onCreated, actions: [{ id: 'a', action: 'nope.act' }] }, 'actions.0.action'],
      [{ trigger: onCreated, actions: [{ id: 'a', action: 'autotest.record', params: {} }] }, 'actions.0.params.label'],
      [
        {
          trigger: onCreated,
          actions: [{ id: 'a', action: 'core.send_email', params: { to: 'not-an-email', subject: 's', body: 'b' } }],
        },
        'actions.0.params.to',
      ],
      [{ trigger: onCreated, actions: [record('a', 'x'), record('a', 'y')] }, 'actions.1.id'],
      [
        { trigger: onCreated, conditions: { field: 'payload.name', op: 'equals' }, actions: [record('a', 'x')] },
        'conditions.value',
      ],
      [
        {
          trigger: onCreated,
          conditions: { field: 'payload.name', op: 'eval', value: '1' },
          actions: [record('a', 'x')],
        },
        'conditions',
      ],
      [
        { trigger: onCreated, actions: [{ id: 'b', branch: { if: { field: 'x', op: 'is_set' }, yes: 'no' } }] },
        'actions.0.branch.yes',
      ],
    ];
    for (const [body, path] of cases) {
      const res = await t.client.post('/api/v1/core/automation/rules', { name: 'Bad', ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(
        res.body.details.map((d: { path: string }) => d.path),
        JSON.stringify(res.body),
      ).toContain(path);
    }
    // A variable is accepted where a value is expected: it is filled in when the run starts.
    await rule(t, {
      trigger: onCreated,
      actions: [
        {
          id: 'a',
          action: 'core.send_email',
          params: { to: '{{record.ownerEmail}}', subject: 'Hi {{payload.name}}', body: 'b' },
        },
      ],
    });
    const n = await env.sql<{ n: number }>('select count(*)::int as n from core_automation_rule where tenant_id = $1', [
      t.id,
    ]);
    expect(n[0]?.n).toBe(1);
  });

  it('needs core.automation.manage; another company sees none of the rules or runs', async () => {
    const a = await tenant('au-iso-a');
    const b = await tenant('au-iso-b');
    const r = await rule(a, { trigger: onCreated, actions: [record('a', 'iso')] });
    await createProject(a, 'Iso');
    await vi.waitFor(async () => expect((await runs(a, r.id)).filter(settled)).toHaveLength(1), WAIT);
    const run = (await runs(a, r.id))[0] as Run;
    expect((await b.client.get(`/api/v1/core/automation/rules/${r.id}`)).status).toBe(404);
    expect((await b.client.patch(`/api/v1/core/automation/rules/${r.id}`, { enabled: false })).status).toBe(404);
    expect((await b.client.get(`/api/v1/core/automation/runs/${run.id}`)).status).toBe(404);
    expect((await b.client.post(`/api/v1/core/automation/runs/${run.id}/retry`, {})).status).toBe(404);
    expect((await b.client.get('/api/v1/core/automation/rules')).body.data).toEqual([]);
    expect((await b.client.get('/api/v1/core/automation/runs')).body.data).toEqual([]);
    // B's projects never reach A's rule.
    await createProject(b, 'Other');
    await env.flush();
    const member = await a.as('member');
    expect((await member.get('/api/v1/core/automation/rules')).status).toBe(403);
    expect(
      (
        await member.post('/api/v1/core/automation/rules', {
          name: 'x',
          trigger: onCreated,
          actions: [record('a', 'x')],
        })
      ).status,
    ).toBe(403);
    expect((await member.get(`/api/v1/core/automation/runs/${run.id}`)).status).toBe(403);
    const admin = await a.as('admin');
    expect((await admin.get('/api/v1/core/automation/rules')).status).toBe(200);
    await vi.waitFor(async () => expect((await runs(a, r.id)).filter(settled)).toHaveLength(1), WAIT);
    expect(effects.filter((e) => e.label === 'iso')).toHaveLength(1);
  });

  it('pauses a rule whose addon is disabled, saying why, and runs it again once re-enabled', async () => {
    const t = await tenant('au-pause');
    const r = await rule(t, { trigger: onCreated, actions: [record('a', 'paused')] });
    await env.admin.disableAddon(t.id, 'autotest');
    const got = await t.client.get(`/api/v1/core/automation/rules/${r.id}`);
    expect(got.body.status).toBe('paused');
    expect(got.body.pausedReason).toContain('"autotest"');
    const catalog = await t.client.get('/api/v1/core/automation/catalog');
    expect(catalog.body.actions.map((a: { name: string }) => a.name)).not.toContain('autotest.record');
    await createProject(t, 'While paused');
    await env.flush();
    await env.admin.enableAddon(t.id, 'autotest');
    expect((await t.client.get(`/api/v1/core/automation/rules/${r.id}`)).body.status).toBe('active');
    await createProject(t, 'After');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    expect(effects.filter((e) => e.tenant === 'au-pause')).toHaveLength(1);
  });
});

describe('runs', () => {
  it('runs the actions in order when the conditions hold, recording every step', async () => {
    const t = await tenant('au-run');
    const r = await rule(t, {
      trigger: onCreated,
      conditions: {
        all: [
          { field: 'payload.name', op: 'contains', value: 'big' },
          { field: 'record.status', op: 'equals', value: 'active' },
        ],
      },
      actions: [
        record('first', 'one {{payload.name}}'),
        {
          id: 'which',
          branch: {
            if: { field: 'payload.name', op: 'contains', value: 'very' },
            yes: [record('yes', 'very')],
            no: [record('no', 'just big')],
          },
        },
        record('last', 'after {{steps.first.n}}'),
      ],
    });
    await createProject(t, 'small one');
    await createProject(t, 'Big deal');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    await env.flush();
    const [run] = await runs(t, r.id);
    expect(run?.status).toBe('succeeded');
    const detail = await runDetail(t, run?.id as string);
    expect(detail.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['first', 'succeeded'],
      ['which', 'succeeded'],
      ['no', 'succeeded'],
      ['last', 'succeeded'],
    ]);
    expect(detail.steps[0]?.input).toEqual({ label: 'one Big deal' });
    expect(detail.steps[1]?.output).toEqual({ took: 'no' });
    const n = (detail.steps[0]?.output as { n: number } | undefined)?.n;
    expect(detail.steps[3]?.input).toEqual({ label: `after ${n}` });
    expect(detail.steps.every((s) => typeof s.durationMs === 'number' || s.action === 'branch')).toBe(true);
    expect(effects.filter((e) => e.tenant === 'au-run').map((e) => e.label)).toEqual([
      'one Big deal',
      'just big',
      `after ${n}`,
    ]);
  });

  it('runs once per event even when the relay delivers the event twice', async () => {
    const t = await tenant('au-once');
    const r = await rule(t, { trigger: onCreated, actions: [record('a', 'once')] });
    await createProject(t, 'Once');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    const rows = await env.sql<{
      id: string;
      name: string;
      aggregate_id: string;
      payload: unknown;
      created_at: string;
    }>(
      "select id::text, name, aggregate_id, payload, created_at from core_outbox where tenant_id = $1 and name = 'projects.project.created'",
      [t.id],
    );
    const row = rows[0];
    if (!row) throw new Error('no outbox row');
    // The relay may hand an event on again (a crash before it marked the row relayed): run it again.
    await env.sql('update core_outbox set relayed_at = null where tenant_id = $1 and id = $2', [t.id, row.id]);
    await env.flush();
    const again: PublishedEvent = {
      id: row.id,
      name: row.name,
      tenantId: t.id,
      aggregateId: row.aggregate_id,
      payload: row.payload,
      actorId: null,
      occurredAt: row.created_at,
    };
    expect(await env.kernel.automation.onEvent(again)).toBe(0);
    expect(await env.kernel.automation.onEvent(again)).toBe(0);
    await env.flush();
    expect(await runs(t, r.id)).toHaveLength(1);
    expect(effects.filter((e) => e.tenant === 'au-once')).toHaveLength(1);
  });

  it('retries a failing action with backoff, then goes on', async () => {
    const t = await tenant('au-retry');
    failures.set('retry', 2);
    const r = await rule(t, {
      trigger: onCreated,
      actions: [{ id: 'f', action: 'autotest.flaky', params: { key: 'retry' } }, record('after', 'retried')],
    });
    await createProject(t, 'Flaky');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    const [run] = await runs(t, r.id);
    expect(run?.status).toBe('succeeded');
    const detail = await runDetail(t, run?.id as string);
    expect(detail.steps[0]).toMatchObject({ stepId: 'f', status: 'succeeded', attempts: 3 });
    expect(effects.filter((e) => e.tenant === 'au-retry')).toHaveLength(1);
  });

  it('fails a run at the step that kept failing; a retry resumes there without repeating the steps before', async () => {
    const t = await tenant('au-resume');
    failures.set('resume', 5);
    const r = await rule(t, {
      trigger: onCreated,
      actions: [
        record('before', 'before'),
        { id: 'f', action: 'autotest.flaky', params: { key: 'resume' } },
        record('after', 'after'),
      ],
    });
    await createProject(t, 'Resume');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    const [failed] = await runs(t, r.id);
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'f' });
    expect(failed?.error).toContain('flaky resume failed');
    const d1 = await runDetail(t, failed?.id as string);
    expect(d1.steps.map((s) => [s.stepId, s.status, s.attempts])).toEqual([
      ['before', 'succeeded', 1],
      ['f', 'failed', 3],
    ]);
    // Only a failed run can be retried.
    failures.set('resume', 0);
    const retried = await t.client.post(`/api/v1/core/automation/runs/${failed?.id}/retry`, {});
    expect(retried.status).toBe(202);
    await vi.waitFor(async () => expect((await runs(t, r.id))[0]?.status).toBe('succeeded'), WAIT);
    const d2 = await runDetail(t, failed?.id as string);
    expect(d2.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['before', 'succeeded'],
      ['f', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    expect(effects.filter((e) => e.tenant === 'au-resume').map((e) => e.label)).toEqual(['before', 'after']);
    const again = await t.client.post(`/api/v1/core/automation/runs/${failed?.id}/retry`, {});
    expect(again.status).toBe(400);
    expect(again.body.details[0].path).toBe('id');
  });

  it('cuts a loop: a rule whose action re-triggers it stops at the chain limit with a recorded reason', async () => {
    const t = await tenant('au-loop');
    const r = await rule(t, {
      trigger: { type: 'record', model: 'projects.project', on: 'updated', fields: ['name'] },
      actions: [{ id: 'rename', action: 'core.update_record', params: { field: 'name', value: 'x{{record.name}}' } }],
    });
    const id = await createProject(t, 'loop');
    expect((await t.client.patch(`/api/v1/projects/projects/${id}`, { name: 'loop!' })).status).toBe(200);
    await vi.waitFor(
      async () => expect((await runs(t, r.id)).filter((x) => x.status === 'stopped')).toHaveLength(1),
      WAIT,
    );
    const all = (await runs(t, r.id)).sort((x, y) => x.depth - y.depth);
    expect(all.map((x) => [x.depth, x.status])).toEqual([
      [0, 'succeeded'],
      [1, 'succeeded'],
      [2, 'succeeded'],
      [3, 'succeeded'],
      [4, 'succeeded'],
      [5, 'stopped'],
    ]);
    expect(all[5]?.reason).toContain('Loop guard');
    const project = await t.client.get(`/api/v1/projects/projects/${id}`);
    expect(project.body.name).toBe('xxxxxloop!');
  });

  it('keeps one tenant’s flood from starving another: B’s run starts among the first, not after A’s 500', async () => {
    const a = await tenant('au-flood-a');
    const b = await tenant('au-flood-b');
    const ra = await rule(a, { trigger: onCreated, actions: [record('a', 'flood')] });
    const rb = await rule(b, { trigger: onCreated, actions: [record('b', 'single')] });
    const engine = env.kernel.automation;
    await engine.pauseWorker();
    try {
      const event = (tenantId: string, i: number): PublishedEvent => ({
        id: `flood-${tenantId}-${i}`,
        name: 'projects.project.created',
        tenantId,
        aggregateId: `p${i}`,
        payload: { id: `p${i}`, name: `P${i}` },
        actorId: null,
        occurredAt: new Date().toISOString(),
      });
      for (let i = 0; i < 500; i++) await engine.onEvent(event(a.id, i));
      await engine.onEvent(event(b.id, 0));
      const queued = await env.sql<{ status: string; n: number }>(
        'select status, count(*)::int as n from core_automation_run where tenant_id = $1 group by status',
        [a.id],
      );
      // At most the tenant's limit of A's runs is on the queue; the rest wait in the database.
      expect(Object.fromEntries(queued.map((q) => [q.status, q.n]))).toEqual({ ready: 2, queued: 498 });
    } finally {
      engine.resumeWorker();
    }
    await vi.waitFor(async () => expect((await runs(b, rb.id))[0]?.status).toBe('succeeded'), WAIT);
    const bRun = (await runs(b, rb.id))[0] as Run;
    const before = await env.sql<{ n: number }>(
      'select count(*)::int as n from core_automation_run where tenant_id = $1 and start_seq < $2::bigint',
      [a.id, bRun.startSeq],
    );
    // A plain FIFO queue would have started all 500 of A's runs first.
    expect(before[0]?.n).toBeLessThanOrEqual(2);
    // Stop the flood here: the other tests need the workers.
    await env.sql("delete from core_automation_run where tenant_id = $1 and status = 'queued'", [a.id]);
    await vi.waitFor(
      async () =>
        expect(
          (
            await env.sql<{ n: number }>(
              "select count(*)::int as n from core_automation_run where tenant_id = $1 and status in ('ready','running')",
              [a.id],
            )
          )[0]?.n,
        ).toBe(0),
      WAIT,
    );
    expect(ra.id).toBeTruthy();
  });
});

describe('actions of the core', () => {
  it('calls a webhook signed with the rule’s secret, and sends a notification to the record’s creator', async () => {
    const t = await tenant('au-hook');
    const me = (await t.client.get('/api/v1/core/me')).body as { user: { id: string } };
    const r = await rule(t, {
      trigger: onCreated,
      actions: [
        { id: 'call', action: 'core.call_webhook', params: { url: `${base}/hook/au-hook` } },
        {
          id: 'tell',
          action: 'core.send_notification',
          params: { userId: '{{record.createdBy}}', title: 'New project {{payload.name}}', link: '/projects' },
        },
      ],
    });
    await createProject(t, 'Hooked');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    expect((await runs(t, r.id))[0]?.status).toBe('succeeded');
    const got = received.filter((x) => x.path === '/hook/au-hook');
    expect(got).toHaveLength(1);
    const h = got[0] as (typeof got)[number];
    const key = Buffer.from(r.signingSecret.replace(/^whsec_/, ''), 'base64');
    const expected = createHmac('sha256', key)
      .update(`${h.headers['webhook-id']}.${h.headers['webhook-timestamp']}.${h.body}`)
      .digest();
    const sig = Buffer.from(String(h.headers['webhook-signature']).split(',')[1] ?? '', 'base64');
    expect(sig.length === expected.length && timingSafeEqual(sig, expected)).toBe(true);
    expect(JSON.parse(h.body)).toMatchObject({
      type: 'projects.project.created',
      rule: r.id,
      data: { name: 'Hooked' },
    });
    await env.flush();
    const notes = await t.client.get('/api/v1/core/notifications');
    expect(notes.body.data.map((n: { title: string }) => n.title)).toContain('New project Hooked');
    expect(me.user.id).toBeTruthy();
  });

  it('waits, then goes on when the (controllable) clock says so', async () => {
    const t = await tenant('au-wait');
    const r = await rule(t, {
      trigger: onCreated,
      actions: [{ id: 'w', action: 'core.wait', params: { days: 2 } }, record('later', 'after the wait')],
    });
    await createProject(t, 'Patience');
    await vi.waitFor(async () => expect((await runs(t, r.id))[0]?.status).toBe('waiting'), WAIT);
    const start = Date.now();
    env.kernel.automation.clock = { now: () => new Date(start + 86_400_000) };
    await env.kernel.automation.tick();
    expect((await runs(t, r.id))[0]?.status).toBe('waiting');
    env.kernel.automation.clock = { now: () => new Date(start + 3 * 86_400_000) };
    await env.kernel.automation.tick();
    await vi.waitFor(async () => expect((await runs(t, r.id))[0]?.status).toBe('succeeded'), WAIT);
    expect(effects.filter((e) => e.tenant === 'au-wait').map((e) => e.label)).toEqual(['after the wait']);
  });
});

describe('schedules', () => {
  it('fires a cron rule once per firing of the controllable clock', async () => {
    const t = await tenant('au-cron');
    const at = (iso: string) => ({ now: () => new Date(iso) });
    env.kernel.automation.clock = at('2030-01-01T08:00:00Z');
    const r = await rule(t, {
      trigger: { type: 'schedule', cron: '0 9 * * *' },
      actions: [record('a', 'daily {{payload.firedAt}}')],
    });
    await env.kernel.automation.tick();
    expect(await runs(t, r.id)).toHaveLength(0);
    env.kernel.automation.clock = at('2030-01-01T10:00:00Z');
    await env.kernel.automation.tick();
    await env.kernel.automation.tick();
    expect((await runs(t, r.id)).map((x) => x.eventKey)).toEqual(['schedule:2030-01-01T09:00:00.000Z']);
    // Two days later: the two firings missed in between, each once. (Runs finished before are past
    // the retention by this clock's reckoning and purged: the actions' effects are what remains.)
    env.kernel.automation.clock = at('2030-01-03T10:00:00Z');
    await env.kernel.automation.tick();
    await vi.waitFor(() => expect(effects.filter((e) => e.tenant === 'au-cron')).toHaveLength(3), WAIT);
    expect(
      effects
        .filter((e) => e.tenant === 'au-cron')
        .map((e) => e.label)
        .sort(),
    ).toEqual(['daily 2030-01-01T09:00:00.000Z', 'daily 2030-01-02T09:00:00.000Z', 'daily 2030-01-03T09:00:00.000Z']);
  });

  it('fires N days after a date field of each record, once', async () => {
    const t = await tenant('au-date');
    const start = Date.now();
    env.kernel.automation.clock = { now: () => new Date(start) };
    const r = await rule(t, {
      trigger: { type: 'date', model: 'projects.project', field: 'createdAt', offsetDays: 3 },
      conditions: { field: 'record.name', op: 'not_equals', value: 'skip me' },
      actions: [record('a', 'three days after {{record.name}}')],
    });
    await createProject(t, 'Dated');
    await createProject(t, 'skip me');
    env.kernel.automation.clock = { now: () => new Date(start + 2 * 86_400_000) };
    await env.kernel.automation.tick();
    expect(await runs(t, r.id)).toHaveLength(0);
    env.kernel.automation.clock = { now: () => new Date(start + 3 * 86_400_000 + 3_600_000) };
    await env.kernel.automation.tick();
    await env.kernel.automation.tick();
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    expect(effects.filter((e) => e.tenant === 'au-date').map((e) => e.label)).toEqual(['three days after Dated']);
  });

  it('purges run history past the company’s retention', async () => {
    const t = await tenant('au-keep');
    const r = await rule(t, { trigger: onCreated, actions: [record('a', 'kept')] });
    await createProject(t, 'Old');
    await vi.waitFor(async () => expect((await runs(t, r.id)).filter(settled)).toHaveLength(1), WAIT);
    expect((await t.client.put('/api/v1/core/automation/settings', { retentionDays: 0 })).status).toBe(400);
    expect((await t.client.put('/api/v1/core/automation/settings', { retentionDays: 2 })).body).toEqual({
      retentionDays: 2,
    });
    const start = Date.now();
    env.kernel.automation.clock = { now: () => new Date(start + 86_400_000) };
    await env.kernel.automation.tick();
    expect(await runs(t, r.id)).toHaveLength(1);
    env.kernel.automation.clock = { now: () => new Date(start + 3 * 86_400_000) };
    await env.kernel.automation.tick();
    expect(await runs(t, r.id)).toHaveLength(0);
  });
});

describe('test run', () => {
  it('shows what each step would do for a sample record, and does nothing', async () => {
    const t = await tenant('au-dry');
    const id = await createProject(t, 'Sample big');
    await env.flush();
    const body = {
      rule: {
        name: 'Try',
        trigger: onCreated,
        conditions: { field: 'record.name', op: 'contains', value: 'big' },
        actions: [
          {
            id: 'mail',
            action: 'core.send_email',
            params: { to: 'boss@example.com', subject: 'About {{record.name}}', body: 'x' },
          },
          {
            id: 'b',
            branch: {
              if: { field: 'record.status', op: 'equals', value: 'archived' },
              yes: [record('y', 'yes')],
              no: [record('n', 'no')],
            },
          },
          { id: 'bad', action: 'core.send_email', params: { to: '{{record.name}}', subject: 's', body: 'b' } },
        ],
      },
      sample: { recordId: id },
    };
    const res = await t.client.post('/api/v1/core/automation/test-run', body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.matched).toBe(true);
    expect(res.body.steps.map((s: { stepId: string }) => s.stepId)).toEqual(['mail', 'b', 'n', 'bad']);
    expect(res.body.steps[0].wouldDo).toBe('Email "About Sample big" to boss@example.com');
    expect(res.body.steps[1].wouldDo).toContain('"no"');
    expect(res.body.steps[3].error).toContain('to must be a valid email');
    // A German caller reads what each step would do in German.
    expect((await t.client.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    const de = await t.client.post('/api/v1/core/automation/test-run', body);
    expect(de.body.steps[0].wouldDo).toBe('E-Mail „About Sample big“ an boss@example.com');
    expect(de.body.steps[1].wouldDo).toBe('Den Zweig „Nein“ nehmen');
    expect(effects.filter((e) => e.tenant === 'au-dry')).toEqual([]);
    const written = await env.sql<{ n: number }>(
      'select (select count(*) from core_automation_run where tenant_id = $1) + (select count(*) from core_mail_log where tenant_id = $1) + (select count(*) from core_automation_rule where tenant_id = $1) as n',
      [t.id],
    );
    expect(Number(written[0]?.n)).toBe(0);
    const bad = await t.client.post('/api/v1/core/automation/test-run', {
      ...body,
      sample: { recordId: '00000000-0000-4000-8000-000000000000' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('sample.recordId');
    const member = await t.as('member');
    expect((await member.post('/api/v1/core/automation/test-run', body)).status).toBe(403);
  });
});
