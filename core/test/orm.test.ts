import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { journal } from '@elevate-fixture/journal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// MikroORM as the data layer: the journal fixture's routes are derived by the SDK's resource
// layer and run only through ctx.em. The tenant filter, created_by/owner_id on insert and the
// record rules (own/team) come from the data layer; nothing in the addon mentions them.

let env: TestEnv;
let t: TestTenant;
let alice: ApiClient;
let bob: ApiClient;
let carol: ApiClient;
let mia: ApiClient;

interface Entry {
  id: string;
  text: string;
  ownerId: string;
  createdBy: string;
}

const texts = async (c: ApiClient) =>
  ((await c.get('/api/v1/journal/entries?sort=text')).body as { data: Entry[] }).data.map((e) => e.text);

async function write(c: ApiClient, text: string): Promise<Entry> {
  const res = await c.post('/api/v1/journal/entries', { text });
  expect(res.status).toBe(201);
  return res.body as Entry;
}

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal], workers: false });
  t = await env.tenant('orm', { enable: ['journal'] });
  alice = await t.as('member', 'alice@orm.test');
  bob = await t.as('member', 'bob@orm.test');
  carol = await t.as('member', 'carol@orm.test');
  mia = await t.as('manager', 'mia@orm.test');
  // Team "north": mia (manager), alice, bob. Carol is in no team.
  const [team] = await env.sql<{ id: string }>(
    "insert into core_team (tenant_id, name) values ($1, 'north') returning id",
    [t.id],
  );
  await env.sql(
    `insert into core_team_member (tenant_id, team_id, user_id)
     select $1, $2, id from core_user where tenant_id = $1 and email in ('mia@orm.test', 'alice@orm.test', 'bob@orm.test')`,
    [t.id, team?.id],
  );
});
afterAll(() => env?.close());

describe('ctx.em (MikroORM) under tenancy and record rules', () => {
  it('fills tenant_id, created_by and owner_id on insert', async () => {
    const e = await write(alice, 'alice-fill');
    const [row] = await env.sql<{ tenant_id: string; created_by: string; owner_id: string }>(
      'select tenant_id, created_by, owner_id from journal_entry where id = $1',
      [e.id],
    );
    const [user] = await env.sql<{ id: string }>("select id from core_user where email = 'alice@orm.test'");
    expect(row).toEqual({ tenant_id: t.id, created_by: user?.id, owner_id: user?.id });
  });

  it('applies own/team/all record rules to find and count with no code in the route', async () => {
    const tag = `rr-${Date.now()}`;
    await write(alice, `${tag}-a`);
    await write(bob, `${tag}-b`);
    await write(carol, `${tag}-c`);
    const mine = (c: ApiClient) => texts(c).then((all) => all.filter((x) => x.startsWith(tag)));
    expect(await mine(alice)).toEqual([`${tag}-a`]);
    expect(await mine(carol)).toEqual([`${tag}-c`]);
    expect(await mine(mia)).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(await mine(t.client)).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    // count goes through the same filter
    const counted = (await carol.get('/api/v1/journal/entries?count=true')).body as {
      data: Entry[];
      total_count: number;
    };
    expect(counted.total_count).toBe(counted.data.length);
  });

  it("refuses to load, change or delete another member's row (404), and the row stays as it was", async () => {
    const bobs = await write(bob, 'bob-private');
    expect((await alice.patch(`/api/v1/journal/entries/${bobs.id}`, { text: 'hacked' })).status).toBe(404);
    expect((await alice.delete(`/api/v1/journal/entries/${bobs.id}`)).status).toBe(404);
    expect(await env.sql('select text from journal_entry where id = $1', [bobs.id])).toEqual([{ text: 'bob-private' }]);
    // The manager may, inside the team (unit of work: load, change, flush).
    const renamed = await mia.patch(`/api/v1/journal/entries/${bobs.id}`, { text: 'bob-renamed' });
    expect(renamed.status).toBe(200);
    expect((renamed.body as Entry).text).toBe('bob-renamed');
    expect((await mia.delete(`/api/v1/journal/entries/${bobs.id}`)).status).toBe(204);
    expect(await env.sql('select 1 from journal_entry where id = $1', [bobs.id])).toEqual([]);
  });

  it('keeps tenants apart: another tenant sees none of the rows and cannot touch them by id', async () => {
    const own = await write(t.client, 'tenant-a-only');
    const other = await env.tenant('orm-other', { enable: ['journal'] });
    expect(await texts(other.client)).toEqual([]);
    expect((await other.client.patch(`/api/v1/journal/entries/${own.id}`, { text: 'x' })).status).toBe(404);
    expect((await other.client.delete(`/api/v1/journal/entries/${own.id}`)).status).toBe(404);
    const theirs = await write(other.client, 'tenant-b-only');
    expect(await env.sql('select tenant_id from journal_entry where id = $1', [theirs.id])).toEqual([
      { tenant_id: other.id },
    ]);
    expect(await texts(t.client)).not.toContain('tenant-b-only');
  });

  it('runs in the request transaction: a list costs the opening round trip plus its statements', async () => {
    const res = await alice.get('/api/v1/journal/entries');
    // BEGIN + tenant + principal (1) and the find (1): a short last page tells its own total.
    expect(Number(res.headers.get('x-db-statements'))).toBe(2);
  });
});
