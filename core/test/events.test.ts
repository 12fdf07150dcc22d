import { randomUUID } from 'node:crypto';
import { defineAddon, subscribe } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { ProjectCreated, ProjectUpdated, projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// The relay's advisory lock (core/src/events/relay.ts): holding it pauses the relay, so a
// test can look at outbox rows before anything touches them.
const RELAY_LOCK = 0x0e1e7a7e;
const WAIT = { timeout: 10_000, interval: 50 };

// A test-only addon that observes deliveries in memory (the kernel runs in this process).
const updatesSeen: string[] = [];
const flakyCalls = new Map<string, number>();
/** Project names whose `observer.flaky` delivery fails until removed from this set. */
const failing = new Set<string>();

const observer = defineAddon({
  id: 'observer',
  version: '1.0.0',
  title: 'Observer (test)',
  description: 'Records event deliveries for the events tests.',
  category: 'testing',
  platform: '^1.0.0',
  depends: [projects],
  subscribers: [
    subscribe(ProjectUpdated, 'observer.record-update', (event) => {
      updatesSeen.push(`${event.aggregateId}:${event.payload.name}`);
    }),
    subscribe(ProjectCreated, 'observer.flaky', (event) => {
      flakyCalls.set(event.payload.name, (flakyCalls.get(event.payload.name) ?? 0) + 1);
      if (failing.has(event.payload.name)) throw new Error(`flaky subscriber failed for ${event.payload.name}`);
    }),
  ],
});

interface OutboxRow {
  id: string;
  tenant_id: string;
  kind: string;
  name: string;
  aggregate_id: string;
  payload: { id: string; name: string };
  relayed_at: Date | null;
  delivered: string[];
  attempts: number;
  last_error: string | null;
}

let env: TestEnv;
let a: TestTenant;
let b: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, tasks, observer] });
  a = await env.tenant('events-a', { enable: ['projects', 'tasks', 'observer'] });
  b = await env.tenant('events-b', { enable: ['projects'] });
});
afterAll(() => env?.close());

const unique = (label: string) => `${label} ${randomUUID().slice(0, 8)}`;

async function createProject(t: TestTenant, name: string): Promise<string> {
  const res = await t.client.post('/api/v1/projects/projects', { name });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

function outboxOf(aggregateId: string): Promise<OutboxRow[]> {
  return env.sql<OutboxRow>(
    `select id::text, tenant_id, kind, name, aggregate_id, payload, relayed_at, delivered, attempts, last_error
     from core_outbox where aggregate_id = $1 order by core_outbox.id`,
    [aggregateId],
  );
}

/** Drains the outbox, polling until nothing is pending (bounded). */
async function drained(): Promise<void> {
  await vi.waitFor(async () => expect(await env.flush()).toBe(0), WAIT);
}

/** Runs `fn` while the outbox relay is held off by its advisory lock. */
async function withRelayPaused<T>(fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: env.databaseUrl });
  await client.connect();
  try {
    await client.query('set lock_timeout = 10000');
    await client.query('select pg_advisory_lock($1)', [RELAY_LOCK]);
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1)', [RELAY_LOCK]);
    }
  } finally {
    await client.end();
  }
}

describe('outbox: written in the same transaction as the change', () => {
  it('a created project and its event row come from one transaction, with the tenant id', async () => {
    const name = unique('Atomic');
    const { id, rows, xmins } = await withRelayPaused(async () => {
      const id = await createProject(a, name);
      const rows = await outboxOf(id);
      const xmins = await env.sql<{ project: string; outbox: string }>(
        `select (select xmin::text from projects_project where id = $1) as project,
                (select xmin::text from core_outbox where aggregate_id = $1::text and kind = 'event') as outbox`,
        [id],
      );
      return { id, rows, xmins };
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tenant_id: a.id,
      kind: 'event',
      name: 'projects.project.created',
      aggregate_id: id,
      payload: { id, name },
      relayed_at: null,
    });
    // The same inserting transaction id on both rows: one transaction wrote both.
    expect(xmins[0]?.project).toBeTruthy();
    expect(xmins[0]?.outbox).toBe(xmins[0]?.project);
  });

  it('when the request fails after publishing, neither the project nor its event exists', async () => {
    const name = unique('Doomed');
    // Mutations run in order: createProject publishes, then updateProject fails (no such id),
    // so the response has errors and the whole request is rolled back.
    const res = await a.client.graphql(
      `mutation ($name: String!) {
        created: createProject(input: { name: $name }) { id }
        missing: updateProject(id: "${randomUUID()}", input: { name: "x" }) { id }
      }`,
      { name },
    );
    expect(res.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await env.flush();
    expect(await env.sql('select id from projects_project where name = $1', [name])).toHaveLength(0);
    expect(await env.sql(`select id from core_outbox where payload->>'name' = $1`, [name])).toHaveLength(0);
    expect(await env.sql(`select id from projects_activity where message = $1`, [`created ${name}`])).toHaveLength(0);

    // Control: the same document without the failing field commits both.
    const ok = await a.client.graphql(`mutation ($name: String!) { createProject(input: { name: $name }) { id } }`, {
      name,
    });
    expect(ok.body.errors).toBeUndefined();
    const rows = await outboxOf(ok.body.data.createProject.id);
    expect(rows.map((r) => [r.tenant_id, r.name])).toEqual([[a.id, 'projects.project.created']]);
  });
});

describe('relay', () => {
  it('delivers to in-process subscribers after commit, and to the events queue', async () => {
    const name = unique('Audited');
    const id = await createProject(a, name);
    await drained();
    const activity = await env.sql<{ tenant_id: string; kind: string; message: string }>(
      'select tenant_id, kind, message from projects_activity where project_id = $1',
      [id],
    );
    expect(activity).toEqual([{ tenant_id: a.id, kind: 'created', message: `created ${name}` }]);
    const [row] = await outboxOf(id);
    expect(row?.relayed_at).toBeInstanceOf(Date);
    const redis = new Redis(env.kernel.config.redisUrl, { maxRetriesPerRequest: null });
    const events = new Queue('events', { connection: redis, prefix: env.redisPrefix });
    try {
      const job = await events.getJob(`evt-${row?.id}`);
      expect(job?.name).toBe('projects.project.created');
      expect(job?.data).toMatchObject({ tenantId: a.id, aggregateId: id, payload: { id, name } });
    } finally {
      await events.close();
      redis.disconnect();
    }
  });

  it('relays the events of one aggregate in commit order', async () => {
    const names = ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'];
    const id = await withRelayPaused(async () => {
      // Let the outbox ids of this aggregate cross a digit boundary (…98, 99, 100, 101…), and
      // hold the relay so that they are all relayed in one batch.
      await env.sql(
        `select setval(pg_get_serial_sequence('core_outbox', 'id'),
                       power(10, length((select coalesce(max(id), 0) from core_outbox)::text) + 1)::bigint - 3)`,
      );
      const created = await createProject(a, unique('Ordered'));
      for (const name of names) {
        // Each request commits before the next starts: this is the commit order.
        expect((await a.client.patch(`/api/v1/projects/projects/${created}`, { name })).status).toBe(200);
      }
      return created;
    });
    await drained();
    const rows = await outboxOf(id);
    expect(rows.map((r) => r.name)).toEqual([
      'projects.project.created',
      ...names.map(() => 'projects.project.updated'),
    ]);
    expect(rows.slice(1).map((r) => r.payload.name)).toEqual(names);
    expect(rows.map((r) => r.id.length)).toContain((rows[0]?.id.length as number) + 1);
    // The subscriber saw them in the same order, each once.
    expect(updatesSeen.filter((s) => s.startsWith(`${id}:`))).toEqual(names.map((n) => `${id}:${n}`));
    // Relayed one after another in id order.
    const relayed = rows.map((r) => r.relayed_at?.getTime() ?? Number.NaN);
    expect(relayed).toEqual([...relayed].sort((x, y) => x - y));
  });

  it("runs a subscriber only for tenants that enabled the subscriber's addon", async () => {
    const nameB = unique('Bee');
    const inB = await createProject(b, nameB);
    const nameA = unique('Ay');
    const inA = await createProject(a, nameA);
    await drained();

    expect(await env.sql('select title from tasks_task where tenant_id = $1', [b.id])).toEqual([]);
    const [rowB] = await outboxOf(inB);
    expect(rowB?.relayed_at).toBeInstanceOf(Date);
    expect(rowB?.delivered).toEqual(['projects:projects.audit-created']);
    // The projects subscriber did run in B.
    expect(await env.sql('select message from projects_activity where project_id = $1', [inB])).toEqual([
      { message: `created ${nameB}` },
    ]);

    expect(await env.sql('select title, tenant_id from tasks_task where project_id = $1', [inA])).toEqual([
      { title: `Plan ${nameA}`, tenant_id: a.id },
    ]);
  });

  it('a failing subscriber holds back only its own aggregate, with backoff', async () => {
    const poison = unique('Poison');
    failing.add(poison);
    try {
      const stuckId = await createProject(a, poison);
      const okId = await createProject(a, unique('Healthy'));
      await vi.waitFor(async () => {
        await env.flush();
        const [ok] = await outboxOf(okId);
        expect(ok?.relayed_at).toBeInstanceOf(Date);
      }, WAIT);
      const [stuck] = await outboxOf(stuckId);
      expect(stuck?.relayed_at).toBeNull();
      const wait = await env.sql<{ later: boolean }>(
        'select next_attempt_at > now() as later from core_outbox where aggregate_id = $1 and relayed_at is null',
        [stuckId],
      );
      expect(wait[0]?.later).toBe(true);
    } finally {
      failing.delete(poison);
    }
    await drained();
  });

  it('retries a failed row without re-running the subscribers that already succeeded', async () => {
    const name = unique('Flaky');
    failing.add(name);
    let id = '';
    try {
      id = await createProject(a, name);
      // The relay keeps retrying the row while the flaky subscriber fails.
      const stuck = await vi.waitFor(async () => {
        await env.flush();
        const [row] = await outboxOf(id);
        expect(row?.attempts).toBeGreaterThanOrEqual(2);
        return row;
      }, WAIT);
      expect(stuck?.relayed_at).toBeNull();
      expect(stuck?.last_error).toContain('flaky subscriber failed');
      // The audit subscriber (projects comes first: a dependency) succeeded and is recorded.
      expect(stuck?.delivered).toContain('projects:projects.audit-created');
      expect(stuck?.delivered).not.toContain('observer:observer.flaky');
    } finally {
      failing.delete(name);
    }
    await drained();
    const [row] = await outboxOf(id);
    expect(row?.relayed_at).toBeInstanceOf(Date);
    expect([...(row?.delivered ?? [])].sort()).toEqual([
      'observer:observer.flaky',
      'projects:projects.audit-created',
      'tasks:tasks.seed-first-task',
    ]);
    expect(flakyCalls.get(name)).toBeGreaterThanOrEqual(3);
    // The audit subscriber inserts a row per run: exactly one means it ran once.
    expect(await env.sql('select message from projects_activity where project_id = $1', [id])).toEqual([
      { message: `created ${name}` },
    ]);
    expect(await env.sql('select title from tasks_task where project_id = $1', [id])).toEqual([
      { title: `Plan ${name}` },
    ]);
  });
});
