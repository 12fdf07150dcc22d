import { AppError, defineAction, defineAddon, defineTrigger } from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Project, ProjectCreated, projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// Automation rules and runs on GraphQL (core/src/automation/automation.graphql.ts): what REST has,
// with the same validation (VALIDATION_FAILED naming the field), permission and tenant scope.
const WAIT = { timeout: 30_000, interval: 50 };

/** Labels the test action wrote, by tenant slug (an effect outside the database the test can read). */
const effects: { tenant: string; label: string }[] = [];
/** `gqlauto.gate` fails at once (no retry can fix it) while its key is here. */
const closed = new Set<string>();

const gqlauto = defineAddon({
  id: 'gqlauto',
  version: '1.0.0',
  title: 'Automation GraphQL test addon',
  description: 'A trigger and actions for the GraphQL automation tests.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [projects],
  workflows: [
    defineTrigger(ProjectCreated, {
      title: 'Project created',
      payload: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' } } },
      model: Project,
    }),
    defineAction<{ label: string }, { ok: true }>({
      name: 'gqlauto.record',
      title: 'Record',
      params: {
        type: 'object',
        additionalProperties: false,
        required: ['label'],
        properties: { label: { type: 'string', minLength: 1 } },
      },
      run: (p, ctx) => {
        effects.push({ tenant: ctx.tenant.slug, label: p.label });
        return { ok: true };
      },
    }),
    defineAction<{ key: string }, { ok: true }>({
      name: 'gqlauto.gate',
      title: 'Fails while the gate is closed',
      params: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
      run: (p) => {
        if (closed.has(p.key)) throw new AppError('GATE_CLOSED', `gate ${p.key} is closed`, { status: 422 });
        return { ok: true };
      },
    }),
  ],
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, gqlauto] });
});
afterAll(() => env?.close());

interface Gql {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: { code?: string; details?: { path: string; message: string }[] } }[];
}
const gql = async (c: ApiClient, query: string, variables: Record<string, unknown> = {}): Promise<Gql> =>
  (await c.post('/graphql', { query, variables })).body as Gql;
const code = (r: Gql) => r.errors?.[0]?.extensions?.code;
const paths = (r: Gql) => r.errors?.[0]?.extensions?.details?.map((d) => d.path);
const tenant = (slug: string) => env.tenant(slug, { enable: ['projects', 'gqlauto'] });
const onCreated = { type: 'event', event: 'projects.project.created' };
const record = (id: string, label: string) => ({ id, action: 'gqlauto.record', params: { label } });

const CREATE = `mutation($input: AutomationRuleInput!) {
  createAutomationRule(input: $input) { signingSecret rule { id name status enabled trigger actions ownerId } }
}`;
const create = async (c: ApiClient, input: Record<string, unknown>) => {
  const r = await gql(c, CREATE, { input: { name: 'Rule', ...input } });
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return (r.data?.createAutomationRule as { rule: { id: string } } | undefined)?.rule.id as string;
};
const RUNS = `query($rule: ID, $status: AutomationRunStatus, $from: DateTime, $to: DateTime) {
  automationRuns(rule: $rule, status: $status, from: $from, to: $to) {
    totalCount data { id ruleName status failedStep error steps { stepId status action } }
  }
}`;
interface RunPage {
  totalCount: number;
  data: { id: string; ruleName: string; status: string; failedStep: string | null; error: string | null }[];
}
const runs = async (c: ApiClient, vars: Record<string, unknown>) => {
  const r = await gql(c, RUNS, vars);
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data?.automationRuns as RunPage;
};
const newProject = async (t: TestTenant, name: string) => {
  const res = await t.client.post('/api/v1/projects/projects', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

describe('automation on GraphQL', () => {
  it('creates, reads, changes, enables, disables and deletes a rule; the signing secret is shown once', async () => {
    const t = await tenant('gqa-crud');
    const made = await gql(t.client, CREATE, {
      input: { name: 'Kick-off', trigger: onCreated, actions: [record('a', 'hello')] },
    });
    expect(made.errors).toBeUndefined();
    const created = made.data?.createAutomationRule as {
      signingSecret: string;
      rule: { id: string; status: string; ownerId: string; trigger: unknown };
    };
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(created.rule).toMatchObject({ status: 'active', trigger: onCreated });
    const me = (await t.client.get('/api/v1/core/me')).body.user.id;
    expect(created.rule.ownerId).toBe(me);
    const id = created.rule.id;

    const list = await gql(t.client, '{ automationRules { id name status } }');
    expect(list.data?.automationRules).toEqual([{ id, name: 'Kick-off', status: 'active' }]);
    expect(JSON.stringify(list)).not.toContain(created.signingSecret);
    // REST sees the same rule.
    expect((await t.client.get(`/api/v1/core/automation/rules/${id}`)).body.name).toBe('Kick-off');

    const upd = await gql(
      t.client,
      'mutation($id: ID!, $input: AutomationRuleInput!) { updateAutomationRule(id: $id, input: $input) { name description actions } }',
      { id, input: { name: 'Kick-off 2', description: 'on every project' } },
    );
    expect(upd.data?.updateAutomationRule).toEqual({
      name: 'Kick-off 2',
      description: 'on every project',
      actions: [record('a', 'hello')],
    });
    const off = await gql(t.client, 'mutation($id: ID!) { disableAutomationRule(id: $id) { enabled status } }', { id });
    expect(off.data?.disableAutomationRule).toEqual({ enabled: false, status: 'disabled' });
    const on = await gql(t.client, 'mutation($id: ID!) { enableAutomationRule(id: $id) { enabled status } }', { id });
    expect(on.data?.enableAutomationRule).toEqual({ enabled: true, status: 'active' });
    const one = await gql(t.client, 'query($id: ID!) { automationRule(id: $id) { name enabled } }', { id });
    expect(one.data?.automationRule).toEqual({ name: 'Kick-off 2', enabled: true });

    expect((await gql(t.client, 'mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id })).data).toEqual({
      deleteAutomationRule: true,
    });
    expect(code(await gql(t.client, 'query($id: ID!) { automationRule(id: $id) { id } }', { id }))).toBe('NOT_FOUND');
    expect((await t.client.get(`/api/v1/core/automation/rules/${id}`)).status).toBe(404);
  });

  it('answers VALIDATION_FAILED naming each bad field, and writes nothing', async () => {
    const t = await tenant('gqa-bad');
    const bad = await gql(t.client, CREATE, {
      input: {
        name: ' ',
        trigger: { type: 'event', event: 'nope.nothing' },
        conditions: { field: 'payload.name', op: 'resembles', value: 'x' },
        actions: [
          { id: 'a', action: 'gqlauto.record', params: { label: '' } },
          { id: 'a', action: 'no.such' },
        ],
      },
    });
    expect(code(bad)).toBe('VALIDATION_FAILED');
    expect(paths(bad)).toEqual(
      expect.arrayContaining([
        'name',
        'trigger.event',
        'conditions',
        'actions.0.params.label',
        'actions.1.id',
        'actions.1.action',
      ]),
    );
    expect(bad.data).toBeNull();
    const missing = await gql(t.client, CREATE, { input: { name: 'No trigger' } });
    expect(paths(missing)).toEqual(expect.arrayContaining(['trigger', 'actions']));
    // A variable of the wrong type is the client's error too, named by graphql-js.
    const typed = await gql(t.client, CREATE, { input: { name: 5 } });
    expect(code(typed)).toBe('BAD_USER_INPUT');
    expect(typed.errors?.[0]?.message).toContain('name');
    const filter = await gql(t.client, RUNS, { from: 'yesterday' });
    expect(code(filter)).toBe('BAD_USER_INPUT');
    const limit = await gql(t.client, 'query { automationRuns(limit: 5000) { totalCount } }');
    expect(code(limit)).toBe('VALIDATION_FAILED');
    expect(paths(limit)).toEqual(['limit']);
    const written = await env.sql<{ n: number }>(
      'select count(*)::int as n from core_automation_rule where tenant_id = $1',
      [t.id],
    );
    expect(written[0]?.n).toBe(0);
  });

  it('lists runs filtered by rule, status and date, each with its steps; a failed run is retried from its failed step', async () => {
    const t = await tenant('gqa-runs');
    closed.add('gqa');
    const ok = await create(t.client, { name: 'Records', trigger: onCreated, actions: [record('r', 'ran')] });
    const gated = await create(t.client, {
      name: 'Gated',
      trigger: onCreated,
      actions: [
        record('before', 'before'),
        {
          id: 'big',
          branch: {
            if: { field: 'payload.name', op: 'contains', value: 'big' },
            yes: [{ id: 'gate', action: 'gqlauto.gate', params: { key: 'gqa' } }],
            no: [record('small', 'small')],
          },
        },
        record('after', 'after'),
      ],
    });
    const before = new Date(Date.now() - 1000).toISOString();
    await newProject(t, 'Big one');
    await vi.waitFor(async () => {
      const page = await runs(t.client, {});
      expect(page.data.filter((r) => ['succeeded', 'failed'].includes(r.status))).toHaveLength(2);
    }, WAIT);
    const failed = await runs(t.client, { status: 'failed' });
    expect(failed.totalCount).toBe(1);
    expect(failed.data[0]).toMatchObject({ ruleName: 'Gated', failedStep: 'gate' });
    expect(failed.data[0]?.error).toContain('gate gqa is closed');
    const byRule = await runs(t.client, { rule: ok });
    expect(byRule.data.map((r) => r.status)).toEqual(['succeeded']);
    expect((await runs(t.client, { rule: gated, status: 'succeeded' })).totalCount).toBe(0);
    // Dates: from is inclusive, to exclusive (when the run was created).
    const later = new Date(Date.now() + 60_000).toISOString();
    expect((await runs(t.client, { from: before })).totalCount).toBe(2);
    expect((await runs(t.client, { from: later })).totalCount).toBe(0);
    expect((await runs(t.client, { to: before })).totalCount).toBe(0);

    const runId = failed.data[0]?.id as string;
    const RUN =
      'query($id: ID!) { automationRun(id: $id) { status failedStep steps { stepId action status attempts input output error } } }';
    const d1 = (await gql(t.client, RUN, { id: runId })).data?.automationRun as {
      steps: { stepId: string; status: string; output: unknown }[];
    };
    expect(d1.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['before', 'succeeded'],
      ['big', 'succeeded'],
      ['gate', 'failed'],
    ]);
    expect(d1.steps[1]?.output).toEqual({ took: 'yes' });
    // A run that did not fail cannot be retried: named by its id.
    const notFailed = await gql(t.client, 'mutation($id: ID!) { retryAutomationRun(id: $id) { id } }', {
      id: byRule.data[0]?.id,
    });
    expect(code(notFailed)).toBe('VALIDATION_FAILED');
    expect(paths(notFailed)).toEqual(['id']);

    closed.delete('gqa');
    const retried = await gql(t.client, 'mutation($id: ID!) { retryAutomationRun(id: $id) { id status } }', {
      id: runId,
    });
    expect(retried.data?.retryAutomationRun).toEqual({ id: runId, status: 'queued' });
    await vi.waitFor(async () => {
      const r = (await gql(t.client, RUN, { id: runId })).data?.automationRun as { status: string };
      expect(r.status).toBe('succeeded');
    }, WAIT);
    const d2 = (await gql(t.client, RUN, { id: runId })).data?.automationRun as {
      steps: { stepId: string; status: string }[];
    };
    expect(d2.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['before', 'succeeded'],
      ['big', 'succeeded'],
      ['gate', 'succeeded'],
      ['after', 'succeeded'],
    ]);
    // The steps before the failed one ran once; the "no" side never ran.
    expect(
      effects
        .filter((e) => e.tenant === 'gqa-runs')
        .map((e) => e.label)
        .sort(),
    ).toEqual(['after', 'before', 'ran']);
  });

  it('test-runs a rule against a sample record with nothing written', async () => {
    const t = await tenant('gqa-dry');
    const id = await newProject(t, 'Sample big');
    await env.flush();
    const r = await gql(
      t.client,
      `mutation($rule: AutomationRuleInput!, $sample: AutomationSampleInput) {
        testRunAutomationRule(rule: $rule, sample: $sample) { matched steps { stepId action wouldDo params error } }
      }`,
      {
        rule: {
          name: 'Try',
          trigger: onCreated,
          conditions: { field: 'record.name', op: 'contains', value: 'big' },
          actions: [
            {
              id: 'b',
              branch: {
                if: { field: 'record.status', op: 'equals', value: 'archived' },
                yes: [record('y', 'yes')],
                no: [record('n', 'no {{record.name}}')],
              },
            },
          ],
        },
        sample: { recordId: id },
      },
    );
    expect(r.errors).toBeUndefined();
    const out = r.data?.testRunAutomationRule as { matched: boolean; steps: { stepId: string; params: unknown }[] };
    expect(out.matched).toBe(true);
    expect(out.steps.map((s) => s.stepId)).toEqual(['b', 'n']);
    expect(out.steps[1]?.params).toEqual({ label: 'no Sample big' });
    expect(effects.filter((e) => e.tenant === 'gqa-dry')).toEqual([]);
    const bad = await gql(
      t.client,
      'mutation($rule: AutomationRuleInput!) { testRunAutomationRule(rule: $rule, sample: { recordId: "00000000-0000-4000-8000-000000000000" }) { matched } }',
      { rule: { name: 'Try', trigger: onCreated, actions: [record('a', 'x')] } },
    );
    expect(paths(bad)).toEqual(['sample.recordId']);
  });

  it('needs core.automation.manage (FORBIDDEN); another company sees none of the rules or runs', async () => {
    const a = await tenant('gqa-iso-a');
    const b = await tenant('gqa-iso-b');
    const id = await create(a.client, { trigger: onCreated, actions: [record('a', 'iso')] });
    await newProject(a, 'Iso');
    await vi.waitFor(async () => expect((await runs(a.client, { status: 'succeeded' })).totalCount).toBe(1), WAIT);
    const runId = (await runs(a.client, {})).data[0]?.id as string;

    const member = await a.as('member', 'm@gqa-iso-a.test');
    for (const [q, v] of [
      ['{ automationRules { id } }', {}],
      ['query($id: ID!) { automationRule(id: $id) { id } }', { id }],
      ['{ automationRuns { totalCount } }', {}],
      ['query($id: ID!) { automationRun(id: $id) { id } }', { id: runId }],
      [CREATE, { input: { name: 'x', trigger: onCreated, actions: [record('a', 'x')] } }],
      ['mutation($id: ID!) { disableAutomationRule(id: $id) { id } }', { id }],
      ['mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id }],
      ['mutation($id: ID!) { retryAutomationRun(id: $id) { id } }', { id: runId }],
      [
        'mutation($r: AutomationRuleInput!) { testRunAutomationRule(rule: $r) { matched } }',
        { r: { name: 'x', trigger: onCreated, actions: [record('a', 'x')] } },
      ],
    ] as const) {
      expect(code(await gql(member, q, v)), q).toBe('FORBIDDEN');
    }

    expect((await gql(b.client, '{ automationRules { id } }')).data?.automationRules).toEqual([]);
    expect((await runs(b.client, {})).totalCount).toBe(0);
    for (const [q, v] of [
      ['query($id: ID!) { automationRule(id: $id) { id } }', { id }],
      ['query($id: ID!) { automationRun(id: $id) { id } }', { id: runId }],
      ['mutation($id: ID!) { disableAutomationRule(id: $id) { id } }', { id }],
      [
        'mutation($id: ID!, $i: AutomationRuleInput!) { updateAutomationRule(id: $id, input: $i) { id } }',
        { id, i: { name: 'mine' } },
      ],
      ['mutation($id: ID!) { deleteAutomationRule(id: $id) }', { id }],
      ['mutation($id: ID!) { retryAutomationRun(id: $id) { id } }', { id: runId }],
    ] as const) {
      expect(code(await gql(b.client, q, v)), q).toBe('NOT_FOUND');
    }
    // A's rule is untouched by B's and the member's attempts.
    const still = await gql(a.client, 'query($id: ID!) { automationRule(id: $id) { name enabled } }', { id });
    expect(still.data?.automationRule).toEqual({ name: 'Rule', enabled: true });
  });
});

describe('the builder’s directory', () => {
  it('lists the company’s active users and teams to automation managers only; another company sees its own', async () => {
    const a = await tenant('gqa-dir-a');
    const b = await tenant('gqa-dir-b');
    const member = await a.as('member', 'pat@gqa-dir-a.test');
    const memberId = (await member.get('/api/v1/core/me')).body.user.id as string;
    const team = await a.client.post('/api/v1/core/teams', { name: 'Closers', memberIds: [memberId] });
    expect(team.status, JSON.stringify(team.body)).toBe(201);
    const dir = await a.client.get('/api/v1/core/automation/directory');
    expect(dir.status).toBe(200);
    expect(dir.body.users.map((u: { email: string }) => u.email)).toEqual(
      expect.arrayContaining([a.ownerEmail, 'pat@gqa-dir-a.test']),
    );
    expect(dir.body.teams).toEqual([{ id: team.body.id, name: 'Closers', members: 1 }]);
    expect((await member.get('/api/v1/core/automation/directory')).status).toBe(403);
    const other = await b.client.get('/api/v1/core/automation/directory');
    expect(other.body.teams).toEqual([]);
    expect(other.body.users.map((u: { email: string }) => u.email)).toEqual([b.ownerEmail]);
    // An inactive user is not offered.
    await a.client.post(`/api/v1/core/users/${memberId}/deactivate`, {});
    const after = await a.client.get('/api/v1/core/automation/directory');
    expect(after.body.users.map((u: { id: string }) => u.id)).not.toContain(memberId);
  });
});
