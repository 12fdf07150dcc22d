import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, setupOf } from './helpers.ts';

// Reorder rules: min/max/multiple per product and warehouse; a suggestion raised once when the
// forecast falls below min, an event, the hourly job per tenant, accept (a draft receipt) / dismiss.

const WAIT = { timeout: 20_000, interval: 100 };
let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;
let warehouse: string;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory] });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  at = await setupOf(acme.client);
  warehouse = (await acme.client.get(`${API}/warehouses`)).body.data[0].id;
});
afterAll(() => env?.close());

const rule = async (productId: string, extra: Record<string, unknown> = {}) => {
  const res = await acme.client.post(`${API}/reorder-rules`, {
    product: productId,
    warehouse,
    min: '5',
    max: '20',
    multiple: '6',
    ...extra,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
};
const suggestions = async (productId: string) =>
  (await acme.client.get(`${API}/replenishments?product=${productId}&limit=50&sort=createdAt`)).body.data as {
    id: string;
    state: string;
    quantity: string;
    forecast: string;
    operation: string | null;
  }[];
const check = async () => {
  const res = await acme.client.post(`${API}/reorder-rules/check`);
  expect(res.status).toBe(200);
  return res.body.data as { product: string }[];
};
const deliver = (productId: string, quantity: string) =>
  acme.client.post(`${API}/operations`, { kind: 'delivery', lines: [{ productId, quantity }] });

describe('reorder rules', () => {
  it('raises one suggestion below min (to max, rounded up to the multiple); dismiss holds it until the forecast recovers', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    await rule(p.id);
    expect((await check()).filter((s) => s.product === p.id)).toEqual([]);
    await deliver(p.id, '7');
    // Forecast 3 < 5: 20 − 3 = 17, rounded up to 6 → 18. The subscriber may have raised it already.
    await check();
    await check();
    let open = await suggestions(p.id);
    expect(open).toEqual([expect.objectContaining({ state: 'open', quantity: '18.0000', forecast: '3.0000' })]);
    const events = await env.sql<{ n: number }>(
      `select count(*)::int as n from core_outbox where tenant_id = $1 and name = 'inventory.replenishment.suggested'
          and payload->>'productId' = $2`,
      [acme.id, p.id],
    );
    expect(events[0]?.n).toBe(1);

    const dismissed = await acme.client.post(`${API}/replenishments/${open[0]?.id}/dismiss`);
    expect(dismissed.body).toMatchObject({ state: 'dismissed', handledAt: expect.any(String) });
    expect((await acme.client.post(`${API}/replenishments/${open[0]?.id}/accept`)).status).toBe(409);
    await check();
    expect((await suggestions(p.id)).map((s) => s.state)).toEqual(['dismissed']);

    // Back above min re-arms the rule; falling below again raises a new one.
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    await check();
    await deliver(p.id, '10');
    await check();
    open = (await suggestions(p.id)).filter((s) => s.state === 'open');
    expect(open).toEqual([expect.objectContaining({ quantity: '18.0000', forecast: '3.0000' })]);
  });

  it('accepting makes a draft receipt; its incoming quantity counts in the forecast', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' });
    await rule(p.id, { multiple: null, min: '4', max: '10' });
    await check();
    const [s] = await suggestions(p.id);
    expect(s).toMatchObject({ state: 'open', quantity: '8.0000' });
    const accepted = await acme.client.post(`${API}/replenishments/${s?.id}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ state: 'accepted', operation: expect.any(String) });
    const op = (await acme.client.get(`${API}/operations/${accepted.body.operation}`)).body;
    expect(op).toMatchObject({ kind: 'receipt', state: 'draft', origin: `inventory.replenishment:${s?.id}` });
    const lines = (await acme.client.get(`${API}/moves?operation=${op.id}`)).body.data;
    expect(lines).toEqual([expect.objectContaining({ product: p.id, quantity: '8.0000', to: at.stock })]);
    // 2 on hand + 8 incoming = 10 ≥ 4: nothing new.
    await check();
    expect(await suggestions(p.id)).toHaveLength(1);
    await acme.client.post(`${API}/operations/${op.id}/validate`);
    expect((await acme.client.get(`${API}/stock?productId=${p.id}`)).body.onHand).toBe('10.0000');
  });

  it('a done move that takes the forecast below min raises the suggestion by itself (subscriber), once', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '10' });
    await rule(p.id);
    await deliver(p.id, '6');
    await vi.waitFor(async () => expect(await suggestions(p.id)).toHaveLength(1), WAIT);
    await deliver(p.id, '1');
    await Promise.all(Array.from({ length: 5 }, () => check()));
    expect(await suggestions(p.id)).toEqual([expect.objectContaining({ state: 'open', quantity: '18.0000' })]);
  });

  it('an admin sees the check on the Schedules list in their language and runs it now', async () => {
    const de = await env.tenant(`reorder-de-${Date.now()}`, { enable: ['inventory'] });
    expect((await de.client.put('/api/v1/core/account/preferences', { language: 'de' })).status).toBe(200);
    const list = await de.client.get('/api/v1/core/schedules');
    expect(list.body.data).toEqual([
      expect.objectContaining({
        name: 'inventory.reorder-check',
        title: 'Nachbestellprüfung: die Nachschubvorschläge erstellen, die die Regeln verlangen',
        everyMs: 3_600_000,
      }),
    ]);
    expect((await acme.client.get('/api/v1/core/schedules')).body.data[0].title).toBe(
      'Reorder check: raise the replenishments the rules call for',
    );
    // Nothing to raise in a company without rules.
    expect(await de.runSchedule('inventory.reorder-check')).toEqual({ raised: 0 });
  });

  it('the check runs as one BullMQ job scheduler per tenant with inventory enabled', async () => {
    const other = await env.tenant(`reorder-other-${Date.now()}`, { enable: ['inventory'] });
    const without = await env.tenant(`reorder-none-${Date.now()}`);
    // The kernel's jobs queue (internal to the kernel; read here only to see its schedulers).
    const queue = (
      env.kernel.relay as unknown as {
        queues: { jobs: { getJobSchedulers(s: number, e: number, asc: boolean): Promise<{ key: string }[]> } };
      }
    ).queues.jobs;
    const keys = (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key);
    expect(keys).toEqual(
      expect.arrayContaining([`${acme.id}/inventory.reorder-check`, `${other.id}/inventory.reorder-check`]),
    );
    // A company without inventory has only the kernel's own schedulers (the notification digest).
    expect(keys.filter((k) => k.startsWith(without.id) && !k.startsWith(`${without.id}/core.`))).toEqual([]);
    expect(keys.filter((k) => k === `${acme.id}/inventory.reorder-check`)).toHaveLength(1);
  });

  it('names the field of a bad rule; one rule per product and warehouse', async () => {
    const p = await newProduct(acme);
    const service = await newProduct(acme, { type: 'service' });
    const bad = async (body: Record<string, unknown>, path: string, status = 400) => {
      const res = await acme.client.post(`${API}/reorder-rules`, {
        product: p.id,
        warehouse,
        min: '1',
        max: '2',
        ...body,
      });
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(JSON.stringify(res.body.details)).toContain(path);
    };
    await bad({ max: '0.5' }, 'max');
    await bad({ multiple: '0' }, 'multiple');
    await bad({ min: 'many' }, 'min');
    await bad({ product: service.id }, 'product');
    await bad({ warehouse: crypto.randomUUID() }, 'warehouse');
    const r = await rule(p.id);
    await bad({}, 'product', 409);
    const patch = await acme.client.patch(`${API}/reorder-rules/${r.id}`, { max: '1' });
    expect(patch.status).toBe(400);
    expect(patch.body.details[0].path).toBe('max');
    expect((await acme.client.patch(`${API}/reorder-rules/${r.id}`, { max: '30' })).status).toBe(200);
    expect((await acme.client.get(`${API}/reorder-rules/${r.id}`)).body.max).toBe('30.0000');
  });

  it('edits and deletes a rule as the reorder page does: fields named, suggestions go with the rule, receipts stay', async () => {
    const p = await newProduct(acme);
    const r = await rule(p.id);
    const edit = (body: Record<string, unknown>, client = acme.client) =>
      client.patch(`${API}/reorder-rules/${r.id}`, { product: p.id, warehouse, min: '5', max: '20', ...body });
    for (const [body, path] of [
      [{ min: '-1' }, 'min'],
      [{ max: '4' }, 'max'],
      [{ multiple: '0' }, 'multiple'],
      [{ multiple: 'six' }, 'multiple'],
    ] as const) {
      const res = await edit(body);
      expect([res.status, res.body.details?.[0]?.path], JSON.stringify(body)).toEqual([400, path]);
    }
    const ok = await edit({ min: '2', max: '8', multiple: null });
    expect(ok.status).toBe(200);
    expect((await acme.client.get(`${API}/reorder-rules/${r.id}`)).body).toMatchObject({
      min: '2.0000',
      max: '8.0000',
      multiple: null,
    });
    // Below min: a suggestion to max (8), accepted into a draft receipt.
    await check();
    const [s] = await suggestions(p.id);
    expect(s).toMatchObject({ state: 'open', quantity: '8.0000' });
    const accepted = await acme.client.post(`${API}/replenishments/${s?.id}/accept`);
    const receipt = accepted.body.operation as string;
    const globex = await env.tenant(`globex-del-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.delete(`${API}/reorder-rules/${r.id}`)).status).toBe(404);
    expect((await (await acme.as('member')).delete(`${API}/reorder-rules/${r.id}`)).status).toBe(403);
    expect((await acme.client.delete(`${API}/reorder-rules/${r.id}`)).status).toBe(204);
    expect((await acme.client.get(`${API}/reorder-rules/${r.id}`)).status).toBe(404);
    expect(await suggestions(p.id)).toEqual([]);
    expect((await acme.client.get(`${API}/operations/${receipt}`)).body).toMatchObject({
      kind: 'receipt',
      state: 'draft',
    });
  });

  it('another company sees no rule or suggestion and can handle none', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1' });
    const r = await rule(p.id);
    await check();
    const [s] = await suggestions(p.id);
    const globex = await env.tenant(`globex-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.get(`${API}/reorder-rules`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/replenishments`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/reorder-rules/${r.id}`)).status).toBe(404);
    expect((await globex.client.patch(`${API}/reorder-rules/${r.id}`, { max: '50' })).status).toBe(404);
    expect((await globex.client.get(`${API}/replenishments/${s?.id}`)).status).toBe(404);
    expect((await globex.client.post(`${API}/replenishments/${s?.id}/accept`)).status).toBe(404);
    expect((await globex.client.post(`${API}/replenishments/${s?.id}/dismiss`)).status).toBe(404);
    expect((await globex.client.post(`${API}/reorder-rules/check`)).body.data).toEqual([]);
    const gwh = (await globex.client.get(`${API}/warehouses`)).body.data[0].id;
    const foreign = await globex.client.post(`${API}/reorder-rules`, {
      product: p.id,
      warehouse: gwh,
      min: '1',
      max: '2',
    });
    expect(foreign.status).toBe(400);
    expect((await suggestions(p.id))[0]?.state).toBe('open');
  });

  it('GraphQL: another company reads no operation, count, rule or suggestion; a member cannot create a rule', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1' });
    await rule(p.id);
    await check();
    const sheet = await acme.client.post(`${API}/counts`, { locationId: at.stock });
    await acme.client.post(`${API}/counts/${sheet.body.id}/scan`, { code: p.sku });
    const lists = `{ inventoryOperations { total_count } inventoryCounts { total_count } inventoryCountLines { total_count }
      inventoryReorderRules { total_count } inventoryReplenishments { total_count } }`;
    const mine = (await acme.client.graphql(lists)).body;
    expect(mine.data.inventoryReorderRules.total_count).toBeGreaterThan(0);
    expect(mine.data.inventoryCountLines.total_count).toBeGreaterThan(0);
    const globex = await env.tenant(`globex-gql-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.graphql(lists)).body.data).toEqual({
      inventoryOperations: { total_count: 0 },
      inventoryCounts: { total_count: 0 },
      inventoryCountLines: { total_count: 0 },
      inventoryReorderRules: { total_count: 0 },
      inventoryReplenishments: { total_count: 0 },
    });
    const create = `mutation($p: ID!, $w: ID!) { createInventoryReorderRule(input: { product: $p, warehouse: $w, min: "1", max: "2" }) { id } }`;
    const gwh = (await globex.client.get(`${API}/warehouses`)).body.data[0].id;
    const foreign = await globex.client.graphql(create, { p: p.id, w: gwh });
    expect(foreign.body.errors[0].extensions.code).toBe('VALIDATION_FAILED');
    const member = await acme.as('member');
    const q = await newProduct(acme);
    expect((await member.graphql(create, { p: q.id, w: warehouse })).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it('a member sees rules and suggestions but cannot change or handle them', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1' });
    const r = await rule(p.id);
    await check();
    const [s] = await suggestions(p.id);
    const member = await acme.as('member');
    expect((await member.get(`${API}/reorder-rules/${r.id}`)).status).toBe(200);
    expect((await member.get(`${API}/replenishments/${s?.id}`)).status).toBe(200);
    expect((await member.post(`${API}/reorder-rules`, { product: p.id, warehouse, min: '1', max: '2' })).status).toBe(
      403,
    );
    expect((await member.patch(`${API}/reorder-rules/${r.id}`, { max: '50' })).status).toBe(403);
    expect((await member.post(`${API}/replenishments/${s?.id}/accept`)).status).toBe(403);
    expect((await member.post(`${API}/replenishments/${s?.id}/dismiss`)).status).toBe(403);
    expect((await member.post(`${API}/reorder-rules/check`)).status).toBe(403);
    const manager = await acme.as('manager');
    expect((await manager.post(`${API}/replenishments/${s?.id}/dismiss`)).status).toBe(200);
  });
});
