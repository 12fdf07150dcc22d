import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

const api = '/api/v1/crm';
let env: TestEnv;
let acme: TestTenant;
let globex: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  acme = await env.tenant('acme', { enable: ['crm'] });
  globex = await env.tenant('globex', { enable: ['crm'] });
});
afterAll(() => env?.close());

interface Stage {
  id: string;
  name: string;
  position: number;
  probability: number;
  kind: string;
}
async function salesPipeline(c: ApiClient): Promise<{ id: string; stages: Stage[] }> {
  const res = await c.get(`${api}/pipelines`);
  expect(res.status).toBe(200);
  return res.body.data.find((p: { isDefault: boolean }) => p.isDefault);
}
const stage = (p: { stages: Stage[] }, name: string) => p.stages.find((s) => s.name === name) as Stage;
async function opp(c: ApiClient, body: Record<string, unknown>) {
  const res = await c.post(`${api}/opportunities`, body);
  expect(res.status).toBe(201);
  return res.body;
}
const outbox = (tenantId: string, name: string, aggregateId: string) =>
  env.sql<{ payload: Record<string, unknown> }>(
    'select payload from core_outbox where tenant_id = $1 and name = $2 and aggregate_id = $3 order by id',
    [tenantId, name, aggregateId],
  );
const column = async (c: ApiClient, pipelineId: string, stageId: string) => {
  const res = await c.get(`${api}/pipelines/${pipelineId}/board`);
  expect(res.status).toBe(200);
  const col = res.body.stages.find((s: { stage: Stage }) => s.stage.id === stageId);
  return col.opportunities.map((o: { title: string; position: number }) => `${o.title}@${o.position}`);
};

describe('pipelines and stages', () => {
  it('seeds the default pipeline once on enable, and not again after re-enabling', async () => {
    const t = await env.tenant('seeded', { enable: ['crm'] });
    const p = await salesPipeline(t.client);
    expect(p).toMatchObject({ name: 'Sales', isDefault: true });
    expect(p.stages.map((s) => [s.name, s.probability, s.kind, s.position])).toEqual([
      ['New', 10, 'open', 0],
      ['Qualified', 30, 'open', 1],
      ['Proposal', 60, 'open', 2],
      ['Negotiation', 80, 'open', 3],
      ['Won', 100, 'won', 4],
      ['Lost', 0, 'lost', 5],
    ]);
    await env.admin.disableAddon(t.id, 'crm');
    await env.admin.enableAddon(t.id, 'crm');
    const rows = await env.sql('select id from crm_pipeline where tenant_id = $1', [t.id]);
    expect(rows).toHaveLength(1);
  });

  it('reorders stages in one go, refusing anything but exactly the pipeline’s stages', async () => {
    const t = await env.tenant('reorder', { enable: ['crm'] });
    const p = await salesPipeline(t.client);
    const reversed = [...p.stages].reverse().map((s) => s.id);
    const res = await t.client.put(`${api}/pipelines/${p.id}/stages/order`, { stageIds: reversed });
    expect(res.status).toBe(200);
    const after = await salesPipeline(t.client);
    expect(after.stages.map((s) => [s.id, s.position])).toEqual(reversed.map((id, i) => [id, i]));
    const missing = await t.client.put(`${api}/pipelines/${p.id}/stages/order`, { stageIds: reversed.slice(1) });
    expect(missing).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const twice = [...reversed.slice(1), reversed[1]];
    expect((await t.client.put(`${api}/pipelines/${p.id}/stages/order`, { stageIds: twice })).status).toBe(400);
    const member = await t.as('member');
    expect((await member.put(`${api}/pipelines/${p.id}/stages/order`, { stageIds: reversed })).status).toBe(403);
  });

  it('keeps one pipeline, refuses deleting a stage in use, and adds stages', async () => {
    const t = await env.tenant('pipes', { enable: ['crm'] });
    const sales = await salesPipeline(t.client);
    expect(await t.client.delete(`${api}/pipelines/${sales.id}`)).toMatchObject({
      status: 409,
      body: { code: 'CRM_LAST_PIPELINE' },
    });
    const created = await t.client.post(`${api}/pipelines`, { name: 'Renewals' });
    expect(created.status).toBe(201);
    expect(created.body.stages).toHaveLength(6);
    const added = await t.client.post(`${api}/pipelines/${created.body.id}/stages`, { name: 'Demo', position: 1 });
    expect(added.body).toMatchObject({ name: 'Demo', position: 1, kind: 'open' });
    const o = await opp(t.client, { title: 'In New', pipelineId: created.body.id });
    const newStage = stage(created.body, 'New');
    expect(o).toMatchObject({ stage: newStage.id, probability: 10, status: 'open', position: 0 });
    expect(await t.client.delete(`${api}/pipelines/${created.body.id}/stages/${newStage.id}`)).toMatchObject({
      status: 409,
      body: { code: 'CRM_STAGE_IN_USE' },
    });
    const won = stage(created.body, 'Won');
    expect((await t.client.delete(`${api}/pipelines/${created.body.id}/stages/${won.id}`)).status).toBe(400);
    expect((await t.client.delete(`${api}/pipelines/${created.body.id}/stages/${added.body.id}`)).status).toBe(204);
    expect((await t.client.delete(`${api}/pipelines/${sales.id}`)).status).toBe(204);
    expect((await salesPipeline(t.client)).id).toBe(created.body.id);
  });
});

describe('the board', () => {
  it('moves cards between and within columns, renumbering both columns and publishing the change', async () => {
    const t = await env.tenant('board', { enable: ['crm'] });
    const p = await salesPipeline(t.client);
    const [newS, qual] = [stage(p, 'New'), stage(p, 'Qualified')];
    const a = await opp(t.client, { title: 'A', stageId: newS.id });
    await opp(t.client, { title: 'B' });
    const c = await opp(t.client, { title: 'C' });
    await opp(t.client, { title: 'D', stageId: qual.id });
    expect(await column(t.client, p.id, newS.id)).toEqual(['A@0', 'B@1', 'C@2']);
    const moved = await t.client.post(`${api}/opportunities/${a.id}/move`, { stageId: qual.id, position: 0 });
    expect(moved.body).toMatchObject({ stage: qual.id, position: 0, probability: 30 });
    expect(await column(t.client, p.id, qual.id)).toEqual(['A@0', 'D@1']);
    expect(await column(t.client, p.id, newS.id)).toEqual(['B@0', 'C@1']);
    await t.client.post(`${api}/opportunities/${c.id}/move`, { stageId: newS.id, position: 0 });
    expect(await column(t.client, p.id, newS.id)).toEqual(['C@0', 'B@1']);
    await t.client.post(`${api}/opportunities/${a.id}/move`, { stageId: newS.id, position: 1 });
    expect(await column(t.client, p.id, newS.id)).toEqual(['C@0', 'A@1', 'B@2']);
    expect(await column(t.client, p.id, qual.id)).toEqual(['D@0']);
    const events = await outbox(t.id, 'crm.opportunity.stage_changed', a.id);
    expect(events.map((e) => e.payload)).toEqual([
      expect.objectContaining({ id: a.id, fromStageId: newS.id, toStageId: qual.id }),
      expect.objectContaining({ id: a.id, fromStageId: qual.id, toStageId: newS.id }),
    ]);
    expect(await outbox(t.id, 'crm.opportunity.stage_changed', c.id)).toEqual([]);
    const other = await salesPipeline(globex.client);
    const bad = await t.client.post(`${api}/opportunities/${a.id}/move`, { stageId: stage(other, 'New').id });
    expect(bad.status).toBe(400);
  });

  it('sums values exactly, in a bounded number of statements', async () => {
    const t = await env.tenant('totals', { enable: ['crm'] });
    const p = await salesPipeline(t.client);
    await opp(t.client, { title: 'Dime', value: '0.10' });
    await opp(t.client, { title: 'Two dimes', value: '0.20' });
    await opp(t.client, { title: 'Nothing' });
    const res = await t.client.get(`${api}/pipelines/${p.id}/board`);
    const col = res.body.stages[0];
    expect(col).toMatchObject({ count: 3, totalValue: '0.30' });
    expect(res.body.stages[1]).toMatchObject({ count: 0, totalValue: '0.00', opportunities: [] });
    for (let i = 0; i < 20; i++) await opp(t.client, { title: `Bulk ${i}`, value: '1.01' });
    const big = await t.client.get(`${api}/pipelines/${p.id}/board`);
    expect(big.body.stages[0]).toMatchObject({ count: 23, totalValue: '20.50' });
    expect(Number(big.headers.get('x-db-statements'))).toBeLessThanOrEqual(4);
  });

  it('wins and loses with a reason, refuses stage edits while closed, and reopens', async () => {
    const p = await salesPipeline(acme.client);
    const o = await opp(acme.client, { title: 'Deal', value: '1200.50' });
    const won = await acme.client.post(`${api}/opportunities/${o.id}/win`);
    expect(won.body).toMatchObject({ status: 'won', stage: stage(p, 'Won').id, probability: 100 });
    expect(won.body.closedAt).toBeTruthy();
    expect(await outbox(acme.id, 'crm.opportunity.won', o.id)).toEqual([
      { payload: expect.objectContaining({ value: '1200.50', currency: 'USD' }) },
    ]);
    const patch = await acme.client.patch(`${api}/opportunities/${o.id}`, { stageId: stage(p, 'New').id });
    expect(patch).toMatchObject({ status: 409, body: { code: 'CRM_OPPORTUNITY_CLOSED' } });
    const move = await acme.client.post(`${api}/opportunities/${o.id}/move`, { stageId: stage(p, 'New').id });
    expect(move.body.code).toBe('CRM_OPPORTUNITY_CLOSED');
    const reopened = await acme.client.post(`${api}/opportunities/${o.id}/reopen`);
    expect(reopened.body).toMatchObject({ status: 'open', stage: stage(p, 'New').id, closedAt: null });

    expect((await acme.client.post(`${api}/opportunities/${o.id}/lose`, {})).status).toBe(400);
    expect((await acme.client.post(`${api}/opportunities/${o.id}/lose`, { reason: '  ' })).status).toBe(400);
    const lost = await acme.client.post(`${api}/opportunities/${o.id}/lose`, { reason: 'Too expensive' });
    expect(lost.body).toMatchObject({ status: 'lost', lostReason: 'Too expensive', stage: stage(p, 'Lost').id });
    expect((await outbox(acme.id, 'crm.opportunity.lost', o.id))[0]?.payload.reason).toBe('Too expensive');

    // Dropping a card on the Lost column is losing it: the reason is required there too.
    const o2 = await opp(acme.client, { title: 'Dropped' });
    const noReason = await acme.client.post(`${api}/opportunities/${o2.id}/move`, { stageId: stage(p, 'Lost').id });
    expect(noReason.status).toBe(400);
    const dropped = await acme.client.post(`${api}/opportunities/${o2.id}/move`, {
      stageId: stage(p, 'Lost').id,
      reason: 'No budget',
    });
    expect(dropped.body).toMatchObject({ status: 'lost', lostReason: 'No budget' });
  });
});

describe('isolation and record rules', () => {
  it("answers 404 for another tenant's opportunity and board", async () => {
    const p = await salesPipeline(acme.client);
    const o = await opp(acme.client, { title: 'Secret' });
    const g = globex.client;
    expect((await g.get(`${api}/opportunities/${o.id}`)).status).toBe(404);
    expect((await g.post(`${api}/opportunities/${o.id}/move`, { stageId: stage(p, 'Qualified').id })).status).toBe(404);
    const gp = await salesPipeline(g);
    expect((await g.post(`${api}/opportunities/${o.id}/move`, { stageId: stage(gp, 'Qualified').id })).status).toBe(
      404,
    );
    expect((await g.post(`${api}/opportunities/${o.id}/win`)).status).toBe(404);
    expect((await g.patch(`${api}/opportunities/${o.id}`, { title: 'Mine' })).status).toBe(404);
    expect((await g.get(`${api}/pipelines/${p.id}/board`)).status).toBe(404);
    expect((await acme.client.get(`${api}/opportunities/${o.id}`)).body.title).toBe('Secret');
  });

  it('shows a member only their own cards, on lists and on the board; a manager sees the team', async () => {
    const t = await env.tenant('rules', { enable: ['crm'] });
    const p = await salesPipeline(t.client);
    const member = await t.as('member');
    const manager = await t.as('manager');
    const ownerOpp = await opp(t.client, { title: 'Owner deal', value: '100.00' });
    const mine = await opp(member, { title: 'Member deal', value: '5.00' });
    expect(mine.ownerId).toBeTruthy();
    const list = await member.get(`${api}/opportunities`);
    expect(list.body).toMatchObject({ total_count: 1, data: [{ title: 'Member deal' }] });
    expect((await member.get(`${api}/opportunities/${ownerOpp.id}`)).status).toBe(404);
    expect((await member.post(`${api}/opportunities/${ownerOpp.id}/win`)).status).toBe(404);
    const b = await member.get(`${api}/pipelines/${p.id}/board`);
    expect(b.body.stages[0]).toMatchObject({ count: 1, totalValue: '5.00', opportunities: [{ title: 'Member deal' }] });
    // Drag-and-drop positions count the cards the member sees: index 0 = before their first card.
    const second = await opp(member, { title: 'Second' });
    await member.post(`${api}/opportunities/${second.id}/move`, { stageId: stage(p, 'New').id, position: 0 });
    expect(await column(t.client, p.id, stage(p, 'New').id)).toEqual(['Owner deal@0', 'Second@1', 'Member deal@2']);
    expect(await column(member, p.id, stage(p, 'New').id)).toEqual(['Second@1', 'Member deal@2']);
    expect((await member.delete(`${api}/opportunities/${mine.id}`)).status).toBe(403);
    expect((await member.post(`${api}/pipelines`, { name: 'Nope' })).status).toBe(403);

    expect((await manager.get(`${api}/opportunities`)).body.total_count).toBe(0);
    const ids = async (c: ApiClient) => (await c.graphql('{ me { id } }')).body.data.me.id as string;
    const [team] = await env.sql<{ id: string }>(
      "insert into core_team (tenant_id, name) values ($1, 'East') returning id",
      [t.id],
    );
    for (const u of [await ids(member), await ids(manager)]) {
      await env.sql('insert into core_team_member (tenant_id, team_id, user_id) values ($1, $2, $3)', [
        t.id,
        team?.id,
        u,
      ]);
    }
    expect(
      (await manager.get(`${api}/opportunities?sort=title`)).body.data.map((o: { title: string }) => o.title),
    ).toEqual(['Member deal', 'Second']);
  });
});
