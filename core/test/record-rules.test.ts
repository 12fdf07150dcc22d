import {
  contribute,
  createModelTableSql,
  defineAddon,
  defineExtensionPoint,
  defineModel,
  definePermissions,
  dependsOn,
  f,
  Migration,
} from '@elevate/sdk';
import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const Memo = defineModel({ name: 'memos.memo', owned: true, fields: { text: f.string({ required: true }) } });
class MemosInit extends Migration {
  override up(): void {
    for (const s of createModelTableSql(Memo)) this.addSql(s);
  }
}
const MemoPanel = defineExtensionPoint<{ memoId: string }, string>('memos.panel');
const base = { version: '1.0.0', description: 'test', category: 'test', platform: '^1.0.0' };
const memos = defineAddon({
  ...base,
  id: 'memos',
  title: 'Memos',
  models: [Memo],
  migrations: [MemosInit],
  permissions: definePermissions({
    'memos.memo.read': { title: 'Read memos', grant: ['admin', 'manager@team', 'member@own'] },
    'memos.memo.write': { title: 'Write memos', grant: ['admin', 'manager@team', 'member@own'] },
  }),
  rest: (r) => {
    r.get('/memos', {}, async ({ ctx }) => {
      const repo = await ctx.scoped(Memo, 'memos.memo.read');
      return (await repo.find({ orderBy: [{ field: 'text' }] })).map((m) => m.text);
    });
    r.post<Record<string, string>, { text: string; ownerId?: string }>('/memos', {}, async ({ ctx, body }) => {
      const repo = await ctx.scoped(Memo, 'memos.memo.write');
      return { status: 201, body: await repo.insert(body) };
    });
    r.patch<{ id: string }, { text: string }>('/memos/:id', {}, async ({ ctx, params, body }) => {
      const repo = await ctx.scoped(Memo, 'memos.memo.write');
      const row = await repo.update(params.id, { text: body.text });
      return row ? row : { status: 404, body: { code: 'NOT_FOUND', message: 'Memo not found', details: [] } };
    });
    r.get<{ id: string }>('/memos/:id/panels', {}, async ({ ctx, params }) =>
      (await ctx.extensions.collect(MemoPanel, { memoId: params.id })).map((c) => `${c.addon}: ${c.result}`),
    );
  },
});
const stickers = defineAddon({
  ...base,
  id: 'stickers',
  title: 'Stickers',
  depends: [dependsOn(memos, '^1.0.0')],
  contributes: [contribute(MemoPanel, ({ memoId }, ctx) => `${memoId.slice(0, 4)} seen by ${ctx.user.email}`)],
});

let env: TestEnv;
let t: TestTenant;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;
let manager: ApiClient;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [memos, stickers], workers: false });
  t = await env.tenant('rules', { enable: ['memos'] });
  alice = await t.as('member', 'alice@rules.test');
  bob = await t.as('member', 'bob@rules.test');
  carol = await t.as('member', 'carol@rules.test');
  manager = await t.as('manager', 'mia@rules.test');
  // Team "north": mia (manager), alice, bob. Carol is in no team.
  const [team] = await env.sql<{ id: string }>(
    "insert into core_team (tenant_id, name) values ($1, 'north') returning id",
    [t.id],
  );
  await env.sql(
    `insert into core_team_member (tenant_id, team_id, user_id)
     select $1, $2, id from core_user where tenant_id = $1 and email in ('mia@rules.test', 'alice@rules.test', 'bob@rules.test')`,
    [t.id, team?.id],
  );
  for (const [client, text] of [
    [alice, 'a1'],
    [bob, 'b1'],
    [carol, 'c1'],
  ] as const) {
    expect((await client.post('/api/v1/memos/memos', { text })).status).toBe(201);
  }
});
afterAll(() => env?.close());

describe('record rules', () => {
  it('members see their own records, managers their team’s, admins all', async () => {
    expect((await alice.get('/api/v1/memos/memos')).body).toEqual(['a1']);
    expect((await carol.get('/api/v1/memos/memos')).body).toEqual(['c1']);
    expect((await manager.get('/api/v1/memos/memos')).body).toEqual(['a1', 'b1']);
    expect((await t.client.get('/api/v1/memos/memos')).body).toEqual(['a1', 'b1', 'c1']);
  });

  it('a member cannot update another member’s record or create one in their name', async () => {
    const [b1] = await env.sql<{ id: string; owner_id: string }>(
      "select id, owner_id from memos_memo where text = 'b1'",
    );
    expect((await alice.patch(`/api/v1/memos/memos/${b1?.id}`, { text: 'hacked' })).status).toBe(404);
    const forged = await alice.post('/api/v1/memos/memos', { text: 'x', ownerId: b1?.owner_id });
    expect(forged.status).toBe(403);
    expect(forged.body.message).toBe('Missing permission: memos.memo.write');
    // The manager may, inside the team.
    expect((await manager.patch(`/api/v1/memos/memos/${b1?.id}`, { text: 'b1' })).status).toBe(200);
  });

  it('exposes how many statements a request cost (for N+1 tests)', async () => {
    const res = await alice.get('/api/v1/memos/memos');
    expect(Number(res.headers.get('x-db-statements'))).toBeGreaterThanOrEqual(2);
  });
});

describe('extension points', () => {
  it('collects contributions only from enabled addons', async () => {
    const [a1] = await env.sql<{ id: string }>("select id from memos_memo where text = 'a1'");
    expect((await t.client.get(`/api/v1/memos/memos/${a1?.id}/panels`)).body).toEqual([]);
    await env.kernel.tenantAddons.enable(t.id, 'stickers');
    expect((await t.client.get(`/api/v1/memos/memos/${a1?.id}/panels`)).body).toEqual([
      `stickers: ${a1?.id.slice(0, 4)} seen by owner@rules.test`,
    ]);
  });
});
