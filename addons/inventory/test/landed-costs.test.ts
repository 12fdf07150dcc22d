import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, layerHistoryMismatches, newProduct, setupOf } from './helpers.ts';

// Landed costs on done receipts, computed by hand (the comments show the arithmetic).

let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('landed', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

async function receipt(lines: { productId: string; quantity: string; unitCost: string }[], state = 'done') {
  const r = await acme.client.post(`${API}/operations`, { kind: 'receipt', state, lines });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id as string;
}
const stockValue = async (productId: string) => {
  const row = (await acme.client.get(`${API}/valuation?productId=${productId}`)).body.data[0];
  return `${row.quantity} @ ${row.value}`;
};
const deliver = async (productId: string, quantity: string) => {
  const r = await acme.client.post(`${API}/moves`, {
    productId,
    quantity,
    fromLocationId: at.stock,
    toLocationId: at.loc('Partners/Customers'),
    state: 'done',
  });
  expect(r.status).toBe(201);
  return r.body as { value: string; doneAt: string };
};
const APPLY = `mutation($op: ID!, $amount: String!, $split: String) {
  inventoryApplyLandedCost(operationId: $op, amount: $amount, split: $split) {
    amount split stockValue deliveredValue lines { productId amount stockValue deliveredValue } } }`;

describe('landed costs', () => {
  it('by quantity: raises what is still in stock; what was delivered is a separate entry', async () => {
    const a = await newProduct(acme);
    const b = await newProduct(acme);
    const op = await receipt([
      { productId: a.id, quantity: '10', unitCost: '5.00' }, // 50.00
      { productId: b.id, quantity: '20', unitCost: '2.50' }, // 50.00
    ]);
    const out = await deliver(a.id, '4'); // FIFO 4 × 5.00 = 20.00; A's layer 6 @ 30.00 left
    expect(out.value).toBe('20.0000');
    const r = await acme.client.post(`${API}/landed-costs`, {
      operationId: op,
      amount: '30.00',
      split: 'quantity',
      description: 'Freight',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // 30.00 over 10 + 20 units: A 30 × 10 / 30 = 10.00, B 20.00.
    // A still holds 6 of its 10: 10.00 × 6 / 10 = 6.00 to stock, 4.00 for the 4 delivered. B holds all: 20.00.
    expect(r.body).toMatchObject({
      amount: '30.0000',
      split: 'quantity',
      stockValue: '26.0000',
      deliveredValue: '4.0000',
    });
    const lines = Object.fromEntries(
      r.body.lines.map((l: { product: string; amount: string; stockValue: string; deliveredValue: string }) => [
        l.product,
        `${l.amount} = ${l.stockValue} + ${l.deliveredValue}`,
      ]),
    );
    expect(lines).toEqual({ [a.id]: '10.0000 = 6.0000 + 4.0000', [b.id]: '20.0000 = 20.0000 + 0.0000' });
    expect(await stockValue(a.id)).toBe('6.0000 @ 36.0000'); // 30.00 + 6.00: unit cost 6.00
    expect(await stockValue(b.id)).toBe('20.0000 @ 70.0000'); // 50.00 + 20.00: unit cost 3.50
    // The next delivery of A goes at the raised cost: 3 × 6.00.
    expect((await deliver(a.id, '3')).value).toBe('18.0000');
    expect(await stockValue(a.id)).toBe('3.0000 @ 18.0000');
    // The report before the landed cost does not have it; at its time it does (from the layers' history).
    const before = (await acme.client.get(`${API}/valuation?productId=${a.id}&at=${out.doneAt}`)).body.total;
    expect(before).toBe('30.0000');
    const then = (await acme.client.get(`${API}/valuation?productId=${a.id}&at=${r.body.doneAt}`)).body.total;
    expect(then).toBe('36.0000');
    expect(await layerHistoryMismatches(env, acme.id)).toEqual([]);
    const listed = (await acme.client.get(`${API}/landed-costs?operationId=${op}`)).body.data;
    expect(listed.map((l: { id: string }) => l.id)).toEqual([r.body.id]);
    expect((await acme.client.get(`${API}/landed-costs/${r.body.id}`)).body.lines).toHaveLength(2);
  });

  it('by value on GraphQL, and named per line', async () => {
    const c = await newProduct(acme);
    const d = await newProduct(acme);
    const op = await receipt([
      { productId: c.id, quantity: '10', unitCost: '1.00' }, // 10.00
      { productId: d.id, quantity: '10', unitCost: '3.00' }, // 30.00
    ]);
    const g = await acme.client.graphql(APPLY, { op, amount: '10', split: 'value' });
    expect(g.body.errors).toBeUndefined();
    // 10.00 over values 10 + 30: C 10 × 10 / 40 = 2.50, D 7.50; nothing delivered.
    expect(g.body.data.inventoryApplyLandedCost).toMatchObject({ stockValue: '10.0000', deliveredValue: '0.0000' });
    expect(await stockValue(c.id)).toBe('10.0000 @ 12.5000');
    expect(await stockValue(d.id)).toBe('10.0000 @ 37.5000');
    const moves = (await acme.client.get(`${API}/moves?operation=${op}`)).body.data as {
      id: string;
      product: string;
    }[];
    const moveOf = (p: string) => moves.find((m) => m.product === p)?.id;
    const manual = await acme.client.post(`${API}/landed-costs`, {
      operationId: op,
      amount: '5',
      split: 'manual',
      lines: [
        { moveId: moveOf(c.id), amount: '3' },
        { moveId: moveOf(d.id), amount: '2' },
      ],
    });
    expect(manual.status, JSON.stringify(manual.body)).toBe(201);
    expect(await stockValue(c.id)).toBe('10.0000 @ 15.5000'); // 12.50 + 3.00
    expect(await stockValue(d.id)).toBe('10.0000 @ 39.5000'); // 37.50 + 2.00
    const wrong = await acme.client.post(`${API}/landed-costs`, {
      operationId: op,
      amount: '6',
      split: 'manual',
      lines: [{ moveId: moveOf(c.id), amount: '5' }],
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.details[0].path).toBe('amount');
    const notOurs = await acme.client.post(`${API}/landed-costs`, {
      operationId: op,
      amount: '1',
      split: 'manual',
      lines: [{ moveId: '00000000-0000-4000-8000-000000000000', amount: '1' }],
    });
    expect(notOurs.body.details[0].path).toBe('lines.0.moveId');
    expect(await stockValue(c.id)).toBe('10.0000 @ 15.5000'); // the refusals changed nothing
  });

  it('refuses drafts, deliveries, bad amounts and splits; needs inventory.valuation.write; isolates companies', async () => {
    const p = await newProduct(acme);
    const draft = await receipt([{ productId: p.id, quantity: '1', unitCost: '1' }], 'draft');
    const r1 = await acme.client.post(`${API}/landed-costs`, { operationId: draft, amount: '30' });
    expect(r1.status).toBe(409);
    expect(r1.body).toMatchObject({ code: 'INVENTORY_LANDED_COST_STATE', details: [{ path: 'operationId' }] });
    const op = await receipt([{ productId: p.id, quantity: '2', unitCost: '1' }]);
    const delivery = await acme.client.post(`${API}/operations`, {
      kind: 'delivery',
      lines: [{ productId: p.id, quantity: '1' }],
    });
    const r2 = await acme.client.post(`${API}/landed-costs`, { operationId: delivery.body.id, amount: '30' });
    expect(r2.status).toBe(409);
    expect(r2.body.code).toBe('INVENTORY_LANDED_COST_STATE');
    for (const amount of ['-30', '0', '1.23456', 'ten']) {
      const r = await acme.client.post(`${API}/landed-costs`, { operationId: op, amount });
      expect(r.status, amount).toBe(400);
      expect(r.body.details[0].path).toBe('amount');
    }
    const split = await acme.client.post(`${API}/landed-costs`, { operationId: op, amount: '1', split: 'weight' });
    expect(split.status).toBe(400);
    expect(split.body.details[0].path).toBe('split');
    const g = await acme.client.graphql(APPLY, { op, amount: '-5' });
    expect(g.body.errors[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'amount' }] });

    // A warehouse operator moves stock but does not revalue it; a manager may.
    const member = await acme.as('member');
    expect((await member.post(`${API}/landed-costs`, { operationId: op, amount: '1' })).status).toBe(403);
    expect((await member.graphql(APPLY, { op, amount: '1' })).body.errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await member.get(`${API}/landed-costs?operationId=${op}`)).status).toBe(200);
    const manager = await acme.as('manager');
    expect((await manager.post(`${API}/landed-costs`, { operationId: op, amount: '1' })).status).toBe(201);
    // 2 @ 1.00 in, 1 delivered (1.00): the layer holds 1 of its 2, so 1.00 × 1 / 2 = 0.50 goes to stock.
    expect(await stockValue(p.id)).toBe('1.0000 @ 1.5000');

    const other = await env.tenant('landed-other', { enable: ['inventory'] });
    const theirs = await other.client.post(`${API}/landed-costs`, { operationId: op, amount: '1' });
    expect(theirs.status).toBe(400);
    expect(theirs.body.details[0].path).toBe('operationId');
    expect((await other.client.get(`${API}/landed-costs`)).body.data).toEqual([]);
    expect(await stockValue(p.id)).toBe('1.0000 @ 1.5000');
  });
});
