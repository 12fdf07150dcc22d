import { randomUUID } from 'node:crypto';
import { defineAction, defineAddon, samplePayload } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Project, projects } from '@elevate-fixture/projects';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sign } from '../src/webhooks/webhooks.ts';

// Inbound webhooks (core/src/automation/inbound.ts; docs/automation.md#inbound-webhooks): a rule's
// unguessable URL, no session, optional Standard Webhooks signature, once per webhook-id, body
// checks that answer 4xx, a limit per token, and the run acting as the tenant and the rule's owner.
const WAIT = { timeout: 30_000, interval: 50 };
const effects: { tenant: string; label: string }[] = [];

const inbtest = defineAddon({
  id: 'inbtest',
  version: '1.0.0',
  title: 'Inbound test addon',
  description: 'Actions for the inbound webhook tests.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [projects],
  workflows: [
    defineAction<{ label: string }, { ok: true }>({
      name: 'inbtest.record',
      title: 'Record',
      params: { type: 'object', required: ['label'], properties: { label: { type: 'string', minLength: 1 } } },
      run: (p, ctx) => {
        effects.push({ tenant: ctx.tenant.slug, label: p.label });
        return { ok: true };
      },
    }),
    // Writes through the rule owner's permissions (their request context): created_by shows who acted.
    defineAction<{ name: string }, { id: string; ownerId: string }>({
      name: 'inbtest.create_project',
      title: 'Create a project as the rule owner',
      params: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
      run: async (p, ctx) => {
        const owner = await ctx.asOwner();
        const repo = await owner.scoped(Project, 'projects.project.write');
        const row = await repo.insert({ name: p.name });
        return { id: row.id, ownerId: owner.user.id };
      },
    }),
  ],
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({
    addons: [projects, inbtest],
    env: { THROTTLE_INBOUND_TOKEN: '8/600', AUTOMATION_INBOUND_MAX_BYTES: '2048' },
  });
});
afterAll(() => env?.close());

const tenant = (slug: string) => env.tenant(slug, { enable: ['projects', 'inbtest'] });
const rule = async (t: TestTenant, body: Record<string, unknown>) => {
  const res = await t.client.post('/api/v1/core/automation/rules', {
    name: 'Form',
    trigger: { type: 'inbound' },
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const makeUrl = async (t: TestTenant, ruleId: string, signed = false) => {
  const res = await t.client.post(`/api/v1/core/automation/rules/${ruleId}/inbound`, { signed });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { url: string; secret: string | null; tokenHint: string };
};
/** A delivery from outside: no session, the URL's path on the test server. */
const deliver = async (url: string, body: string, headers: Record<string, string> = {}) => {
  const path = new URL(url).pathname;
  const res = await fetch(`${env.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {}
  return {
    status: res.status,
    body: json as {
      runId?: string;
      duplicate?: boolean;
      matched?: boolean;
      code?: string;
      details?: { path: string }[];
    },
    headers: res.headers,
  };
};
const runsOf = async (t: TestTenant, ruleId: string) =>
  (await t.client.get(`/api/v1/core/automation/runs?rule=${ruleId}`)).body.data as { id: string; status: string }[];
const runDetail = async (t: TestTenant, id: string) =>
  (await t.client.get(`/api/v1/core/automation/runs/${id}`)).body as {
    status: string;
    eventName: string;
    trigger: { payload: unknown };
    steps: { stepId: string; status: string; input: unknown; output: unknown }[];
  };
const signedHeaders = (secret: string, id: string, body: string, at = Math.floor(Date.now() / 1000)) => ({
  'webhook-id': id,
  'webhook-timestamp': String(at),
  'webhook-signature': sign(secret, id, at, body),
});

describe('inbound webhooks', () => {
  it('a delivery runs the rule with its body as trigger data; each branch runs its own steps; the same webhook-id twice runs once', async () => {
    const t = await tenant('inb-run');
    const id = await rule(t, {
      conditions: { field: 'payload.source', op: 'equals', value: 'web' },
      actions: [
        {
          id: 'vip',
          branch: {
            if: { field: 'payload.score', op: 'greater', value: '50' },
            yes: [{ id: 'hot', action: 'inbtest.record', params: { label: 'hot {{payload.email}}' } }],
            no: [{ id: 'cold', action: 'inbtest.record', params: { label: 'cold {{payload.email}}' } }],
          },
        },
        { id: 'done', action: 'inbtest.record', params: { label: 'done {{payload.email}}' } },
      ],
    });
    const hook = await makeUrl(t, id);
    expect(hook.url).toMatch(new RegExp(`/api/v1/core/automation/inbound/${t.id}/inb_[\\w-]{43}$`));
    expect(hook.secret).toBeNull();

    const hot = JSON.stringify({ source: 'web', email: 'a@x.test', score: 80 });
    const first = await deliver(hook.url, hot, { 'webhook-id': 'msg_1' });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    expect(first.body).toMatchObject({ matched: true, duplicate: false });
    // The sender retries the same delivery: the same run, not a new one.
    const again = await deliver(hook.url, hot, { 'webhook-id': 'msg_1' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ runId: first.body.runId, matched: true, duplicate: true });
    const cold = await deliver(hook.url, JSON.stringify({ source: 'web', email: 'b@x.test', score: 10 }), {
      'webhook-id': 'msg_2',
    });
    expect(cold.status).toBe(202);
    // Conditions that do not hold: no run.
    const other = await deliver(hook.url, JSON.stringify({ source: 'shop', email: 'c@x.test' }), {
      'webhook-id': 'msg_3',
    });
    expect(other.body).toEqual({ runId: null, matched: false, duplicate: false });

    await vi.waitFor(async () => {
      const r = await runsOf(t, id);
      expect(r.map((x) => x.status)).toEqual(['succeeded', 'succeeded']);
    }, WAIT);
    const hotRun = await runDetail(t, first.body.runId as string);
    expect(hotRun.eventName).toBe('core.inbound');
    expect(hotRun.trigger.payload).toEqual(JSON.parse(hot));
    expect(hotRun.steps.map((s) => [s.stepId, s.status])).toEqual([
      ['vip', 'succeeded'],
      ['hot', 'succeeded'],
      ['done', 'succeeded'],
    ]);
    const coldRun = await runDetail(t, cold.body.runId as string);
    expect(coldRun.steps.map((s) => s.stepId)).toEqual(['vip', 'cold', 'done']);
    expect(coldRun.steps[0]?.output).toEqual({ took: 'no' });
    expect(
      effects
        .filter((e) => e.tenant === 'inb-run')
        .map((e) => e.label)
        .sort(),
    ).toEqual(['cold b@x.test', 'done a@x.test', 'done b@x.test', 'hot a@x.test']);
    const info = await t.client.get(`/api/v1/core/automation/rules/${id}/inbound`);
    expect(info.body).toMatchObject({ signed: false, tokenHint: hook.tokenHint });
    expect(info.body.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(info.body)).not.toContain(new URL(hook.url).pathname.split('/').pop());
  });

  it('runs as the tenant and the rule owner, under row-level security', async () => {
    const t = await tenant('inb-owner');
    const other = await tenant('inb-owner-b');
    const id = await rule(t, {
      actions: [{ id: 'p', action: 'inbtest.create_project', params: { name: 'From form {{payload.company}}' } }],
    });
    const hook = await makeUrl(t, id);
    const res = await deliver(hook.url, JSON.stringify({ company: 'Acme' }));
    expect(res.status).toBe(202);
    await vi.waitFor(async () => expect((await runsOf(t, id))[0]?.status).toBe('succeeded'), WAIT);
    const run = await runDetail(t, res.body.runId as string);
    const out = run.steps[0]?.output as { id: string; ownerId: string };
    const me = (await t.client.get('/api/v1/core/me')).body.user.id;
    expect(out.ownerId).toBe(me);
    const made = await t.client.get(`/api/v1/projects/projects/${out.id}`);
    expect(made.status).toBe(200);
    expect(made.body).toMatchObject({ name: 'From form Acme', createdBy: me });
    // The row belongs to the tenant (RLS): the other company cannot see it.
    expect((await other.client.get(`/api/v1/projects/projects/${out.id}`)).status).toBe(404);
    // The same token under another tenant's id finds nothing.
    const path = new URL(hook.url).pathname.replace(t.id, other.id);
    expect((await deliver(`${env.url}${path}`, '{"company":"x"}')).status).toBe(404);
    // A rule owner who is no longer active: the run fails at the step, saying why (read as the
    // schema owner: the deactivated owner's own session no longer answers).
    await env.sql('update core_user set active = false where tenant_id = $1 and id = $2', [t.id, me]);
    const later = await deliver(hook.url, JSON.stringify({ company: 'Late' }));
    expect(later.status).toBe(202);
    await vi.waitFor(async () => {
      const rows = await env.sql<{ status: string; error: string | null }>(
        'select status, error from core_automation_run where tenant_id = $1 and id = $2',
        [t.id, later.body.runId],
      );
      expect(rows[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('no longer an active user') });
    }, WAIT);
  });

  it('verifies the HMAC-SHA256 signature of a signed URL; rotation ends the old URL and secret; revoked is 404', async () => {
    const t = await tenant('inb-sig');
    const id = await rule(t, { actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'signed' } }] });
    const hook = await makeUrl(t, id, true);
    expect(hook.secret).toMatch(/^whsec_/);
    const body = JSON.stringify({ hello: 'world' });
    const secret = hook.secret as string;
    const good = await deliver(hook.url, body, signedHeaders(secret, 'd1', body));
    expect(good.status, JSON.stringify(good.body)).toBe(202);
    // Unsigned, wrongly signed, signed for another body, or too old: 401.
    expect((await deliver(hook.url, body, { 'webhook-id': 'd2' })).status).toBe(401);
    const wrong = await deliver(
      hook.url,
      body,
      signedHeaders(`whsec_${Buffer.from('nope').toString('base64')}`, 'd3', body),
    );
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_SIGNATURE');
    expect((await deliver(hook.url, '{"hello":"mallory"}', signedHeaders(secret, 'd4', body))).status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect((await deliver(hook.url, body, signedHeaders(secret, 'd5', body, old))).status).toBe(401);
    // Several signatures (a sender between two secrets): one that matches is enough.
    const multi = signedHeaders(secret, 'd6', body);
    multi['webhook-signature'] = `v1,AAAA ${multi['webhook-signature']}`;
    expect((await deliver(hook.url, body, multi)).status).toBe(202);

    const rotated = await t.client.post(`/api/v1/core/automation/rules/${id}/inbound/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(hook.url);
    expect(rotated.body.secret).not.toBe(secret);
    expect((await deliver(hook.url, body, signedHeaders(secret, 'd7', body))).status).toBe(404);
    expect((await deliver(rotated.body.url, body, signedHeaders(secret, 'd8', body))).status).toBe(401);
    expect((await deliver(rotated.body.url, body, signedHeaders(rotated.body.secret, 'd9', body))).status).toBe(202);

    expect((await t.client.delete(`/api/v1/core/automation/rules/${id}/inbound`)).status).toBe(204);
    expect((await deliver(rotated.body.url, body, signedHeaders(rotated.body.secret, 'd10', body))).status).toBe(404);
    expect((await t.client.get(`/api/v1/core/automation/rules/${id}/inbound`)).status).toBe(404);
    await vi.waitFor(
      async () => expect((await runsOf(t, id)).filter((r) => r.status === 'succeeded')).toHaveLength(3),
      WAIT,
    );
  });

  it('answers 4xx, never 5xx, for bad deliveries, and writes no run', async () => {
    const t = await tenant('inb-bad');
    const id = await rule(t, {
      trigger: {
        type: 'inbound',
        body: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
      },
      actions: [{ id: 'r', action: 'inbtest.record', params: { label: '{{payload.email}}' } }],
    });
    const hook = await makeUrl(t, id);
    const send = (body: string, headers: Record<string, string> = {}) => deliver(hook.url, body, headers);
    const cases: [string, number, string | undefined][] = [];
    const check = async (
      name: string,
      p: Promise<{ status: number; body: { code?: string; details?: { path: string }[] } }>,
      status: number,
      path?: string,
    ) => {
      const r = await p;
      expect(r.status, `${name}: ${JSON.stringify(r.body)}`).toBe(status);
      if (path)
        expect(
          r.body.details?.map((d) => d.path),
          name,
        ).toContain(path);
      cases.push([name, r.status, path]);
    };
    await check('not JSON', send('{"email":'), 400);
    await check('an array', send('[1,2]'), 400, 'body');
    await check('schema: missing field', send('{"name":"x"}'), 400, 'body.email');
    await check('schema: bad format', send('{"email":"not-an-email"}'), 400, 'body.email');
    await check('text/plain', send('{"email":"a@x.test"}', { 'content-type': 'text/plain' }), 415);
    await check('form', send('email=a%40x.test', { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    await check('too large', send(JSON.stringify({ email: 'a@x.test', pad: 'x'.repeat(3000) })), 413);
    await check('far too large', send(JSON.stringify({ email: 'a@x.test', pad: 'x'.repeat(2_000_000) })), 413);
    await check('bad delivery id', send('{"email":"a@x.test"}', { 'webhook-id': 'has space' }), 400, 'webhook-id');
    const bogus = hook.url.replace(/inb_[\w-]+$/, `inb_${'A'.repeat(43)}`);
    await check('unknown token', deliver(bogus, '{"email":"a@x.test"}'), 404);
    await check('not a token', deliver(hook.url.replace(/inb_[\w-]+$/, 'x'), '{"email":"a@x.test"}'), 404);
    await check('unknown tenant', deliver(hook.url.replace(t.id, randomUUID()), '{"email":"a@x.test"}'), 404);
    expect(await runsOf(t, id)).toEqual([]);
    // A disabled rule says so (409), and runs nothing.
    await t.client.patch(`/api/v1/core/automation/rules/${id}`, { enabled: false });
    await check('disabled', send('{"email":"a@x.test"}'), 409);
    expect(await runsOf(t, id)).toEqual([]);
  });

  it('limits deliveries per token (429 with Retry-After), not per company', async () => {
    const t = await tenant('inb-limit');
    const a = await rule(t, { actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'limit' } }] });
    const b = await rule(t, { actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'other' } }] });
    const ha = await makeUrl(t, a);
    const hb = await makeUrl(t, b);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await deliver(ha.url, '{"n":1}', { 'webhook-id': `l${i}` })).status);
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(202));
    const limited = await deliver(ha.url, '{"n":1}', { 'webhook-id': 'l99' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another URL has its own count.
    expect((await deliver(hb.url, '{"n":1}')).status).toBe(202);
  });

  it('making, rotating and revoking a URL needs core.automation.manage; another company cannot; only inbound rules have one', async () => {
    const a = await tenant('inb-iso-a');
    const b = await tenant('inb-iso-b');
    const id = await rule(a, { actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'x' } }] });
    const member = await a.as('member', 'm@inb-iso-a.test');
    for (const [m, path] of [
      ['post', `/api/v1/core/automation/rules/${id}/inbound`],
      ['get', `/api/v1/core/automation/rules/${id}/inbound`],
      ['post', `/api/v1/core/automation/rules/${id}/inbound/rotate`],
      ['delete', `/api/v1/core/automation/rules/${id}/inbound`],
    ] as const) {
      const res =
        m === 'post' ? await member.post(path, {}) : m === 'get' ? await member.get(path) : await member.delete(path);
      expect(res.status, `${m} ${path}`).toBe(403);
      const other =
        m === 'post'
          ? await b.client.post(path, {})
          : m === 'get'
            ? await b.client.get(path)
            : await b.client.delete(path);
      expect(other.status, `B ${m} ${path}`).toBe(404);
    }
    const hook = await makeUrl(a, id);
    expect((await a.client.post(`/api/v1/core/automation/rules/${id}/inbound`, {})).status).toBe(409);
    const bad = await a.client.post(`/api/v1/core/automation/rules/${id}/inbound/rotate`, { signed: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('signed');
    // B's admin cannot rotate or revoke A's URL: it still works.
    expect((await deliver(hook.url, '{"ok":true}')).status).toBe(202);
    const scheduled = await rule(a, {
      trigger: { type: 'schedule', cron: '0 9 * * 1' },
      actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'x' } }],
    });
    const res = await a.client.post(`/api/v1/core/automation/rules/${scheduled}/inbound`, {});
    expect(res.status).toBe(400);
    expect(res.body.details[0].path).toBe('trigger.type');
    const badSchema = await a.client.post('/api/v1/core/automation/rules', {
      name: 'x',
      trigger: { type: 'inbound', body: { type: 'array' } },
      actions: [{ id: 'r', action: 'inbtest.record', params: { label: 'x' } }],
    });
    expect(badSchema.status).toBe(400);
    expect(badSchema.body.details[0].path).toBe('trigger.body');
  });

  it('test-runs an inbound rule against a sample payload from its body schema, checked as a delivery is; writes nothing', async () => {
    const t = await tenant('inb-dry');
    const catalog = await t.client.get('/api/v1/core/automation/catalog');
    const withFields = (catalog.body.triggers as { payload: { properties?: object }; sample: object }[]).find(
      (x) => Object.keys(x.payload.properties ?? {}).length > 0,
    );
    expect(withFields).toBeDefined();
    expect(Object.keys(withFields?.sample ?? {})).toEqual(Object.keys(withFields?.payload.properties ?? {}));

    const body = {
      type: 'object',
      required: ['email'],
      properties: { email: { type: 'string', format: 'email' }, name: { type: 'string' } },
    };
    const ruleBody = {
      name: 'Form',
      trigger: { type: 'inbound', body },
      conditions: { field: 'payload.email', op: 'contains', value: '@' },
      actions: [{ id: 'rec', action: 'inbtest.record', params: { label: 'Hi {{payload.name}}' } }],
    };
    const sample = samplePayload(body);
    expect(sample).toEqual({ email: 'someone@example.com', name: 'Sample name' });
    const run = await t.client.post('/api/v1/core/automation/test-run', {
      rule: ruleBody,
      sample: { payload: sample },
    });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body.matched).toBe(true);
    expect(run.body.steps).toEqual([expect.objectContaining({ stepId: 'rec', params: { label: 'Hi Sample name' } })]);
    expect(run.body.trigger.payload).toEqual(sample);

    const cases: [unknown, string][] = [
      [{ email: 'not an address' }, 'sample.payload.email'],
      [{ name: 'no email' }, 'sample.payload.email'],
      [['a list'], 'sample.payload'],
      ['text', 'sample.payload'],
    ];
    for (const [payload, path] of cases) {
      const res = await t.client.post('/api/v1/core/automation/test-run', { rule: ruleBody, sample: { payload } });
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect(effects.filter((e) => e.tenant === 'inb-dry')).toEqual([]);
    expect((await t.client.get('/api/v1/core/automation/runs')).body.total_count).toBe(0);
  });
});
