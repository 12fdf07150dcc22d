import { defineAddon, defineEvent, defineResource } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { journal, Topic } from '@elevate-fixture/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A resource's afterWrite hook (sdk/src/resource/resource.ts): the journal fixture with its topic
// resource publishing an event after each write, in the write's transaction.

const TopicWritten = defineEvent<{ id: string; name: string; before: string | null }>('journal.topic.written');

const hooked = defineAddon({
  id: 'journal',
  version: journal.version,
  title: journal.title,
  description: journal.description,
  category: 'testing',
  platform: '^1.0.0',
  models: journal.models,
  migrations: journal.migrations,
  permissions: journal.permissions,
  events: [TopicWritten],
  resources: [
    defineResource(Topic, {
      hooks: {
        afterWrite: async (ctx, row, before) => {
          if (row.name === 'refused') throw new Error('refused after the write');
          await ctx.events.publish(TopicWritten, row.id, { id: row.id, name: row.name, before: before?.name ?? null });
        },
      },
    }),
  ],
});

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [hooked], workers: false });
  acme = await env.tenant('acme', { enable: ['journal'] });
});
afterAll(() => env?.close());

const written = (id: string) =>
  env.sql<{ payload: unknown }>(
    "select payload from core_outbox where tenant_id = $1 and name = 'journal.topic.written' order by id",
    [id],
  );

describe('a resource hook after its writes', () => {
  it('sees the written row with its id (and the row before an update), in the same transaction', async () => {
    const created = await acme.client.post('/api/v1/journal/topics', { name: 'Ideas' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect((await acme.client.patch(`/api/v1/journal/topics/${id}`, { name: 'Plans' })).status).toBe(200);
    expect((await written(acme.id)).map((r) => r.payload)).toEqual([
      { id, name: 'Ideas', before: null },
      { id, name: 'Plans', before: 'Ideas' },
    ]);
  });

  it('rolls the write back when it throws', async () => {
    const before = (await written(acme.id)).length;
    expect((await acme.client.post('/api/v1/journal/topics', { name: 'refused' })).status).toBe(500);
    expect(await env.sql("select 1 from journal_topic where tenant_id = $1 and name = 'refused'", [acme.id])).toEqual(
      [],
    );
    expect(await written(acme.id)).toHaveLength(before);
  });
});
