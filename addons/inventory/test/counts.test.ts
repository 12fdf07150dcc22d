import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, lotMismatches, newProduct, quantMismatches, setupOf, withRole } from './helpers.ts';

// Cycle counts: a count sheet per location, lines scanned or typed, validation moves the
// differences to or from inventory loss in one adjustment operation, with who and when.

let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

const onHand = async (productId: string) =>
  (await acme.client.get(`${API}/stock?productId=${productId}&locationId=${at.stock}`)).body.onHand as string;
const openCount = async (t: TestTenant = acme, locationId = at.stock) => {
  const res = await t.client.post(`${API}/counts`, { locationId, reference: 'Cycle count A' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; state: string };
};
let n = 0;
const code = () => `CNT-${Date.now()}-${++n}`;

describe('cycle counts', () => {
  it('scans and typed lines; validation moves each difference to or from inventory loss, with who and when', async () => {
    const p = await newProduct(acme, { barcode: code(), cost: '2.00' });
    const q = await newProduct(acme, { cost: '3.00' });
    const r = await newProduct(acme, { cost: '4.00' });
    await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [
        { productId: p.id, quantity: '10' },
        { productId: q.id, quantity: '3' },
      ],
    });
    const sheet = await openCount();
    expect(sheet.state).toBe('open');
    const scan = (body: unknown) => acme.client.post(`${API}/counts/${sheet.id}/scan`, body);
    const first = await scan({ code: (p as unknown as { barcode: string }).barcode ?? '' });
    expect(first.status).toBe(201);
    expect(first.body.product.id).toBe(p.id);
    expect(first.body.line.countedQuantity).toBe('1.0000');
    expect((await scan({ code: (p as unknown as { barcode: string }).barcode })).body.line.countedQuantity).toBe(
      '2.0000',
    );
    expect((await scan({ code: q.sku, quantity: '5' })).body.line.countedQuantity).toBe('5.0000');
    const typed = await acme.client.post(`${API}/counts/${sheet.id}/lines`, { productId: r.id, countedQuantity: '4' });
    expect(typed.body.countedQuantity).toBe('4.0000');
    // Typing sets; it does not add.
    await acme.client.post(`${API}/counts/${sheet.id}/lines`, { productId: r.id, countedQuantity: '4' });

    const done = await acme.client.post(`${API}/counts/${sheet.id}/validate`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const me = (await acme.client.get('/api/v1/core/me')).body;
    expect(done.body).toMatchObject({ state: 'done', doneBy: me.id ?? me.user?.id, doneAt: expect.any(String) });
    expect(await onHand(p.id)).toBe('2.0000');
    expect(await onHand(q.id)).toBe('5.0000');
    expect(await onHand(r.id)).toBe('4.0000');

    const lines = (await acme.client.get(`${API}/count_lines?sheet=${sheet.id}&limit=50`)).body.data as {
      product: string;
      expectedQuantity: string;
      difference: string;
    }[];
    const byProduct = Object.fromEntries(lines.map((l) => [l.product, [l.expectedQuantity, l.difference]]));
    expect(byProduct).toEqual({
      [p.id]: ['10.0000', '-8.0000'],
      [q.id]: ['3.0000', '2.0000'],
      [r.id]: ['0.0000', '4.0000'],
    });
    const op = (await acme.client.get(`${API}/operations/${done.body.operation}`)).body;
    expect(op).toMatchObject({
      kind: 'adjustment',
      state: 'done',
      lineCount: 3,
      origin: `inventory.count:${sheet.id}`,
    });
    const moves = (await acme.client.get(`${API}/moves?operation=${op.id}&limit=10`)).body.data as {
      product: string;
      from: string;
      to: string;
      value: string;
    }[];
    const loss = at.loc('Virtual/Inventory adjustment');
    const pMove = moves.find((m) => m.product === p.id);
    expect(pMove).toMatchObject({ from: at.stock, to: loss, value: '16.0000' });
    expect(moves.find((m) => m.product === q.id)).toMatchObject({ from: loss, to: at.stock, value: '6.0000' });
    expect(await quantMismatches(env, acme.id)).toEqual([]);

    // A done sheet takes no more scans and is not validated twice.
    expect((await scan({ code: q.sku })).body.code).toBe('INVENTORY_COUNT_STATE');
    expect((await acme.client.post(`${API}/counts/${sheet.id}/validate`)).status).toBe(409);
  });

  it('concurrent scans of one product all count', async () => {
    const p = await newProduct(acme);
    const sheet = await openCount();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => acme.client.post(`${API}/counts/${sheet.id}/scan`, { code: p.sku })),
    );
    expect(answers.every((a) => a.status === 201)).toBe(true);
    const lines = (await acme.client.get(`${API}/count_lines?sheet=${sheet.id}`)).body.data;
    expect(lines).toHaveLength(1);
    expect(lines[0].countedQuantity).toBe('20.0000');
  });

  it('a count equal to the stock moves nothing; a cancelled count moves nothing', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '3' });
    const same = await openCount();
    await acme.client.post(`${API}/counts/${same.id}/lines`, { productId: p.id, countedQuantity: '3' });
    const done = await acme.client.post(`${API}/counts/${same.id}/validate`);
    expect(done.body).toMatchObject({ state: 'done', operation: null });
    const other = await openCount();
    await acme.client.post(`${API}/counts/${other.id}/lines`, { productId: p.id, countedQuantity: '0' });
    expect((await acme.client.post(`${API}/counts/${other.id}/cancel`)).body.state).toBe('cancelled');
    expect((await acme.client.post(`${API}/counts/${other.id}/validate`)).status).toBe(409);
    expect(await onHand(p.id)).toBe('3.0000');
  });

  it('names the field of bad input', async () => {
    const p = await newProduct(acme);
    const service = await newProduct(acme, { type: 'service' });
    const view = await acme.client.post(`${API}/counts`, { locationId: at.loc('WH') });
    expect(view.status).toBe(400);
    expect(view.body.details[0].path).toBe('locationId');
    const sheet = await openCount();
    const bad = await acme.client.post(`${API}/counts/${sheet.id}/lines`, { productId: p.id, countedQuantity: '-1' });
    expect(bad.body.details[0].path).toContain('countedQuantity');
    const svc = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: service.id,
      countedQuantity: '1',
    });
    expect(svc.body.details[0].path).toBe('productId');
    expect((await acme.client.post(`${API}/counts/${sheet.id}/scan`, { code: 'NO-SUCH-CODE' })).status).toBe(404);
    expect((await acme.client.post(`${API}/counts/${sheet.id}/validate`)).body.details[0].path).toBe('lines');
  });

  it('counts a tracked product per lot: scanned by lot number or by its code then the lot, typed by lot; validation moves each lot’s difference', async () => {
    const p = await newProduct(acme, { tracking: 'lot', barcode: code(), cost: '5.00' });
    const other = await newProduct(acme, { tracking: 'lot' });
    const a = `LA-${code()}`;
    const b = `LB-${code()}`;
    const rec = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [
        {
          productId: p.id,
          quantity: '10',
          lots: [
            { name: a, quantity: '6' },
            { name: b, quantity: '4' },
          ],
        },
        // The same lot number on another product: a scan of it alone cannot say which.
        { productId: other.id, quantity: '1', lotName: b },
      ],
    });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const sheet = await openCount();
    const scan = (body: unknown) => acme.client.post(`${API}/counts/${sheet.id}/scan`, body);
    // The lot number alone names its product.
    const byLot = await scan({ code: a, quantity: '5' });
    expect(byLot.status, JSON.stringify(byLot.body)).toBe(201);
    expect(byLot.body).toMatchObject({ product: { id: p.id }, lot: { name: a }, line: { countedQuantity: '5.0000' } });
    expect(byLot.body.line.lot).toBe(byLot.body.lot.id);
    // The product's barcode needs the lot; with it, the lot's line grows.
    const noLot = await scan({ code: (p as unknown as { barcode: string }).barcode });
    expect(noLot.status).toBe(400);
    expect(noLot.body).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lotName' }] });
    const withLot = await scan({ code: (p as unknown as { barcode: string }).barcode, lotName: a });
    expect(withLot.body.line).toMatchObject({ id: byLot.body.line.id, countedQuantity: '6.0000' });
    const ambiguous = await scan({ code: b });
    expect(ambiguous.status).toBe(409);
    expect(ambiguous.body).toMatchObject({ code: 'INVENTORY_LOT_AMBIGUOUS', details: [{ path: 'code' }] });
    expect(ambiguous.body.message).toContain(p.sku);
    // Typed by lot: B counted 1 (3 lost); a lot nobody received is found on the shelf (created).
    const typedB = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      lotName: b,
      countedQuantity: '1',
    });
    expect(typedB.status, JSON.stringify(typedB.body)).toBe(201);
    const found = `LC-${code()}`;
    const typedC = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      lotName: found,
      countedQuantity: '2',
    });
    expect(typedC.status, JSON.stringify(typedC.body)).toBe(201);
    const missing = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      countedQuantity: '1',
    });
    expect(missing.body).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lotId' }] });
    const foreignLot = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      lotId: (await acme.client.get(`${API}/lots?product=${other.id}`)).body.data[0].id,
      countedQuantity: '1',
    });
    expect(foreignLot.body).toMatchObject({ code: 'INVENTORY_LOT_PRODUCT', details: [{ path: 'lotId' }] });
    const plain = await newProduct(acme);
    const lotOnPlain = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: plain.id,
      lotName: 'X',
      countedQuantity: '1',
    });
    expect(lotOnPlain.body).toMatchObject({ code: 'INVENTORY_LOT_UNTRACKED', details: [{ path: 'lotName' }] });

    const done = await acme.client.post(`${API}/counts/${sheet.id}/validate`);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const lines = (await acme.client.get(`${API}/count_lines?sheet=${sheet.id}&limit=50`)).body.data as {
      lot: string;
      expectedQuantity: string;
      difference: string;
    }[];
    const lots = (await acme.client.get(`${API}/lots?product=${p.id}&limit=50`)).body.data as {
      id: string;
      name: string;
    }[];
    const name = new Map(lots.map((l) => [l.id, l.name]));
    expect(Object.fromEntries(lines.map((l) => [name.get(l.lot), [l.expectedQuantity, l.difference]]))).toEqual({
      [a]: ['6.0000', '0.0000'],
      [b]: ['4.0000', '-3.0000'],
      [found]: ['0.0000', '2.0000'],
    });
    // 6 + 1 + 2 on hand; the other product's lot B untouched.
    expect(await onHand(p.id)).toBe('9.0000');
    expect(await onHand(other.id)).toBe('1.0000');
    const moves = (await acme.client.get(`${API}/moves?operation=${done.body.operation}&limit=10`)).body.data as {
      lot: string;
      quantity: string;
    }[];
    expect(moves.map((m) => [name.get(m.lot), m.quantity]).sort()).toEqual([
      [b, '3.0000'],
      [found, '2.0000'],
    ]);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('counts a serial once: a second scan of it is refused, a typed count is 0 or 1; a missing serial goes to loss', async () => {
    const p = await newProduct(acme, { tracking: 'serial' });
    const s1 = `SN-${code()}`;
    const s2 = `SN-${code()}`;
    const rec = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [{ productId: p.id, quantity: '2', lots: [{ name: s1 }, { name: s2 }] }],
    });
    expect(rec.status, JSON.stringify(rec.body)).toBe(201);
    const sheet = await openCount();
    const scan = (body: unknown) => acme.client.post(`${API}/counts/${sheet.id}/scan`, body);
    expect((await scan({ code: s1 })).body.line.countedQuantity).toBe('1.0000');
    const again = await scan({ code: s1 });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'INVENTORY_SERIAL_COUNTED', details: [{ path: 'code' }] });
    expect((await scan({ code: s1, quantity: '2' })).body).toMatchObject({
      code: 'INVENTORY_SERIAL_QUANTITY',
      details: [{ path: 'quantity' }],
    });
    const two = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      lotName: s2,
      countedQuantity: '2',
    });
    expect(two.body).toMatchObject({ code: 'INVENTORY_SERIAL_QUANTITY', details: [{ path: 'countedQuantity' }] });
    const zero = await acme.client.post(`${API}/counts/${sheet.id}/lines`, {
      productId: p.id,
      lotName: s2,
      countedQuantity: '0',
    });
    expect(zero.status).toBe(201);
    const lines = (await acme.client.get(`${API}/count_lines?sheet=${sheet.id}`)).body.data as {
      countedQuantity: string;
    }[];
    expect(lines.map((l) => l.countedQuantity).sort()).toEqual(['0.0000', '1.0000']);
    expect((await acme.client.post(`${API}/counts/${sheet.id}/validate`)).status).toBe(200);
    expect(await onHand(p.id)).toBe('1.0000');
    const stock = (await acme.client.get(`${API}/lots?product=${p.id}&name=${s2}`)).body.data[0];
    expect(stock.name).toBe(s2);
    const where = (await acme.client.get(`${API}/lots/${stock.id}/stock`)).body.data as { onHand: string }[];
    expect(where.map((w) => w.onHand)).toEqual(['0.0000']);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('scans a lot into a count on GraphQL too', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    const lot = `LG-${code()}`;
    await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [{ productId: p.id, quantity: '3', lotName: lot }],
    });
    const sheet = await openCount();
    const g = await acme.client.graphql(
      `mutation($c: ID!, $code: String!) { inventoryScanCount(countId: $c, code: $code, quantity: "2") {
         line { countedQuantity } product { sku } lot { name } } }`,
      { c: sheet.id, code: lot },
    );
    expect(g.body.errors).toBeUndefined();
    expect(g.body.data.inventoryScanCount).toEqual({
      line: { countedQuantity: '2.0000' },
      product: { sku: p.sku },
      lot: { name: lot },
    });
    const typed = await acme.client.graphql(
      `mutation($c: ID!, $p: ID!) { inventorySetCountLine(countId: $c, productId: $p, countedQuantity: "1") { id } }`,
      { c: sheet.id, p: p.id },
    );
    expect(typed.body.errors[0].extensions).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', status: 400 });
  });

  it('another company sees no count and cannot scan into, validate or cancel one', async () => {
    const p = await newProduct(acme);
    const sheet = await openCount();
    const globex = await env.tenant(`globex-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.get(`${API}/counts`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/count_lines`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/counts/${sheet.id}`)).status).toBe(404);
    for (const path of ['scan', 'lines', 'validate', 'cancel']) {
      const body =
        path === 'scan' ? { code: p.sku } : path === 'lines' ? { productId: p.id, countedQuantity: '1' } : {};
      expect((await globex.client.post(`${API}/counts/${sheet.id}/${path}`, body)).status, path).toBe(404);
    }
    expect((await globex.client.post(`${API}/counts`, { locationId: at.stock })).status).toBe(400);
    expect((await acme.client.get(`${API}/counts/${sheet.id}`)).body.state).toBe('open');
  });

  it('needs inventory.move.write to count; inventory.move.read to see counts', async () => {
    const p = await newProduct(acme);
    const sheet = await openCount();
    const viewer = await withRole(acme, 'countviewer', ['inventory.product.read', 'inventory.move.read']);
    expect((await viewer.post(`${API}/counts`, { locationId: at.stock })).status).toBe(403);
    expect((await viewer.post(`${API}/counts/${sheet.id}/scan`, { code: p.sku })).status).toBe(403);
    expect((await viewer.post(`${API}/counts/${sheet.id}/validate`)).status).toBe(403);
    expect((await viewer.get(`${API}/counts/${sheet.id}`)).status).toBe(200);
    const member = await acme.as('member');
    expect((await member.post(`${API}/counts/${sheet.id}/scan`, { code: p.sku })).status).toBe(201);
  });
});
