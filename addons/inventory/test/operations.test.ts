import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, layerHistoryMismatches, newProduct, quantMismatches, setupOf, withRole } from './helpers.ts';

// Operations with many lines (receipts, deliveries, transfers, adjustments) done in one request
// and one transaction with set-based SQL: the same rules and numbers as one move at a time.

let env: TestEnv;
let acme: TestTenant;
let avco: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  avco = await env.tenant('avco', { enable: ['inventory'] });
  expect((await avco.client.put('/api/v1/core/addons/inventory/settings', { valuation: 'avco' })).status).toBe(200);
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

const onHand = async (t: TestTenant, productId: string) =>
  (await t.client.get(`${API}/stock?productId=${productId}`)).body.onHand as string;
const movesOf = async (t: TestTenant, operationId: string) =>
  (await t.client.get(`${API}/moves?operation=${operationId}&limit=200&sort=createdAt`)).body.data as {
    id: string;
    quantity: string;
    value: string | null;
    state: string;
    product: string;
  }[];
const valuation = async (t: TestTenant, productId: string) =>
  (await t.client.get(`${API}/valuation?productId=${productId}`)).body.data[0] as { quantity: string; value: string };

describe('operations (many lines, one transaction)', () => {
  it('a receipt of lines in several products and units is done at once; FIFO values a delivery by line', async () => {
    const p = await newProduct(acme);
    const q = await newProduct(acme, { cost: '1.25' });
    const receipt = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      reference: 'PO-1',
      lines: [
        { productId: p.id, quantity: '10', unitCost: '5.00' },
        { productId: q.id, quantity: '2', uomId: at.uom('Dozen') },
        { productId: p.id, quantity: '10', unitCost: '6.00' },
      ],
    });
    expect(receipt.status, JSON.stringify(receipt.body)).toBe(201);
    expect(receipt.body).toMatchObject({ kind: 'receipt', state: 'done', lineCount: 3, doneAt: expect.any(String) });
    expect(receipt.body.doneBy).toEqual(expect.any(String));
    expect(await onHand(acme, p.id)).toBe('20.0000');
    expect(await onHand(acme, q.id)).toBe('24.0000');
    const lines = await movesOf(acme, receipt.body.id);
    expect(lines.map((m) => [m.quantity, m.value, m.state]).sort()).toEqual(
      [
        ['10.0000', '50.0000', 'done'],
        ['10.0000', '60.0000', 'done'],
        ['24.0000', '30.0000', 'done'],
      ].sort(),
    );

    // Out 8, then 7: 8 × 5 = 40; 2 × 5 + 5 × 6 = 40 (the first line's layer was older).
    const delivery = await acme.client.post(`${API}/operations`, {
      kind: 'delivery',
      lines: [
        { productId: p.id, quantity: '8' },
        { productId: p.id, quantity: '7' },
      ],
    });
    expect(delivery.status).toBe(201);
    const out = await movesOf(acme, delivery.body.id);
    expect(out.map((m) => m.value).sort()).toEqual(['40.0000', '40.0000']);
    expect(await valuation(acme, p.id)).toMatchObject({ quantity: '5.0000', value: '30.0000' });
    // The one-move path consumes what the batch left, in the same order.
    const one = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '2',
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
      state: 'done',
    });
    expect(one.body.value).toBe('12.0000');
    expect(await quantMismatches(env, acme.id)).toEqual([]);
    expect(await layerHistoryMismatches(env, acme.id)).toEqual([]);
  });

  it('AVCO in a batch: in 10 @ 5 and 10 @ 6, out 15 = 82.50; then out 3 and 2 of 5 @ 27.50', async () => {
    const p = await newProduct(avco);
    await avco.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [
        { productId: p.id, quantity: '10', unitCost: '5' },
        { productId: p.id, quantity: '10', unitCost: '6' },
      ],
    });
    const d1 = await avco.client.post(`${API}/operations`, {
      kind: 'delivery',
      lines: [{ productId: p.id, quantity: '15' }],
    });
    expect((await movesOf(avco, d1.body.id))[0]?.value).toBe('82.5000');
    expect(await valuation(avco, p.id)).toMatchObject({ quantity: '5.0000', value: '27.5000' });
    const d2 = await avco.client.post(`${API}/operations`, {
      kind: 'delivery',
      lines: [
        { productId: p.id, quantity: '3' },
        { productId: p.id, quantity: '2' },
      ],
    });
    expect((await movesOf(avco, d2.body.id)).map((m) => m.value).sort()).toEqual(['11.0000', '16.5000']);
    expect((await avco.client.get(`${API}/valuation?productId=${p.id}`)).body.data).toEqual([
      expect.objectContaining({ quantity: '0.0000', value: '0.0000' }),
    ]);
    // Each layer's history (what each line took and revalued) adds up to the layer.
    expect(await layerHistoryMismatches(env, avco.id)).toEqual([]);
  });

  it('one short line refuses the whole operation with a 409 naming product, location and shortfall', async () => {
    const p = await newProduct(acme);
    const other = await newProduct(acme);
    await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [
        { productId: p.id, quantity: '5' },
        { productId: other.id, quantity: '5' },
      ],
    });
    const before = (await acme.client.get(`${API}/operations?count=true`)).body.total_count;
    const res = await acme.client.post(`${API}/operations`, {
      kind: 'delivery',
      lines: [
        { productId: other.id, quantity: '1' },
        { productId: p.id, quantity: '3' },
        { productId: p.id, quantity: '4' },
      ],
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('INVENTORY_INSUFFICIENT_STOCK');
    expect(res.body.message).toBe(`Not enough ${p.sku} at WH/Stock: 7.0000 asked, 5.0000 available, 2.0000 short`);
    expect(res.body.details[0]).toMatchObject({ productId: p.id, locationId: at.stock, shortfall: '2.0000' });
    // Nothing written: no operation, no move, both quants as they were.
    expect((await acme.client.get(`${API}/operations?count=true`)).body.total_count).toBe(before);
    expect(await onHand(acme, p.id)).toBe('5.0000');
    expect(await onHand(acme, other.id)).toBe('5.0000');
    expect((await acme.client.get(`${API}/moves?product=${other.id}&count=true`)).body.total_count).toBe(1);
  });

  it('names the line and field of bad input; nothing is written', async () => {
    const p = await newProduct(acme);
    const service = await newProduct(acme, { type: 'service' });
    const bad = async (body: unknown, path: string, status = 400) => {
      const res = await acme.client.post(`${API}/operations`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(JSON.stringify(res.body.details)).toContain(path);
    };
    const ok = { productId: p.id, quantity: '1' };
    await bad({ kind: 'receipt', lines: [ok, { productId: crypto.randomUUID(), quantity: '1' }] }, 'lines.1.productId');
    await bad({ kind: 'receipt', lines: [ok, { productId: service.id, quantity: '1' }] }, 'lines.1.productId');
    await bad({ kind: 'receipt', lines: [ok, { productId: p.id, quantity: '0' }] }, 'lines.1.quantity');
    await bad({ kind: 'receipt', lines: [{ ...ok, uomId: at.uom('kg') }] }, 'lines.0.uomId');
    await bad({ kind: 'internal', lines: [ok] }, 'lines.0.fromLocationId');
    await bad(
      { kind: 'internal', fromLocationId: at.stock, toLocationId: at.stock, lines: [ok] },
      'lines.0.toLocationId',
    );
    await bad({ kind: 'receipt', lines: [] }, 'lines');
    await bad({ kind: 'receipt', lines: [{ ...ok, quantity: '1.23456' }] }, 'lines.0.quantity');
    await bad({ kind: 'teleport', lines: [ok] }, 'kind');
    expect((await acme.client.get(`${API}/moves?product=${p.id}&count=true`)).body.total_count).toBe(0);
  });

  it('a draft keeps its lines as draft moves until validated (once); a cancelled draft moves nothing', async () => {
    const p = await newProduct(acme);
    const shelf = await acme.client.post(`${API}/locations`, { name: `Shelf ${Date.now()}`, parent: at.stock });
    const draft = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      state: 'draft',
      toLocationId: shelf.body.id,
      lines: [
        { productId: p.id, quantity: '3' },
        { productId: p.id, quantity: '4', toLocationId: at.stock },
      ],
    });
    expect(draft.body.state).toBe('draft');
    expect((await movesOf(acme, draft.body.id)).map((m) => m.state)).toEqual(['draft', 'draft']);
    expect(await onHand(acme, p.id)).toBe('0.0000');
    const [a, b] = await Promise.all([
      acme.client.post(`${API}/operations/${draft.body.id}/validate`),
      acme.client.post(`${API}/operations/${draft.body.id}/validate`),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect(await onHand(acme, p.id)).toBe('7.0000');
    const shelfStock = (await acme.client.get(`${API}/products/${p.id}/stock`)).body.data;
    expect(shelfStock.find((s: { locationId: string }) => s.locationId === shelf.body.id)?.onHand).toBe('3.0000');

    const other = await acme.client.post(`${API}/operations`, {
      kind: 'delivery',
      state: 'draft',
      lines: [{ productId: p.id, quantity: '2' }],
    });
    expect((await acme.client.post(`${API}/operations/${other.body.id}/cancel`)).body.state).toBe('cancelled');
    expect((await movesOf(acme, other.body.id))[0]?.state).toBe('cancelled');
    expect((await acme.client.post(`${API}/operations/${other.body.id}/validate`)).status).toBe(409);
    expect(await onHand(acme, p.id)).toBe('7.0000');
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('never oversells: 10 concurrent deliveries of 2 lines against 10 on hand → exactly 5 done', async () => {
    const p = await newProduct(acme);
    const q = await newProduct(acme);
    await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [
        { productId: p.id, quantity: '10' },
        { productId: q.id, quantity: '100' },
      ],
    });
    // Lines in both orders: the quants are locked in one order whatever the lines say (no deadlock).
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        acme.client.post(`${API}/operations`, {
          kind: 'delivery',
          lines:
            i % 2
              ? [
                  { productId: p.id, quantity: '2' },
                  { productId: q.id, quantity: '1' },
                ]
              : [
                  { productId: q.id, quantity: '1' },
                  { productId: p.id, quantity: '2' },
                ],
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(5).fill(201), ...Array(5).fill(409)]);
    expect(await onHand(acme, p.id)).toBe('0.0000');
    expect(await onHand(acme, q.id)).toBe('95.0000');
    expect(await valuation(acme, q.id)).toMatchObject({ quantity: '95.0000' });
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('another company sees none of the operations and cannot use them', async () => {
    const p = await newProduct(acme);
    const op = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      state: 'draft',
      lines: [{ productId: p.id, quantity: '1' }],
    });
    const globex = await env.tenant(`globex-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.get(`${API}/operations`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/operations/${op.body.id}`)).status).toBe(404);
    expect((await globex.client.post(`${API}/operations/${op.body.id}/validate`)).status).toBe(404);
    expect((await globex.client.post(`${API}/operations/${op.body.id}/cancel`)).status).toBe(404);
    const foreign = await globex.client.post(`${API}/operations`, {
      kind: 'receipt',
      lines: [{ productId: p.id, quantity: '1' }],
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.details[0].path).toBe('lines.0.productId');
    expect((await acme.client.get(`${API}/operations/${op.body.id}`)).body.state).toBe('draft');
  });

  it('needs inventory.move.write to operate; inventory.move.read to list', async () => {
    const p = await newProduct(acme);
    const viewer = await withRole(acme, 'stockviewer', ['inventory.product.read', 'inventory.move.read']);
    const op = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      state: 'draft',
      lines: [{ productId: p.id, quantity: '1' }],
    });
    expect(
      (await viewer.post(`${API}/operations`, { kind: 'receipt', lines: [{ productId: p.id, quantity: '1' }] })).status,
    ).toBe(403);
    expect((await viewer.post(`${API}/operations/${op.body.id}/validate`)).status).toBe(403);
    expect((await viewer.post(`${API}/operations/${op.body.id}/cancel`)).status).toBe(403);
    expect((await viewer.get(`${API}/operations/${op.body.id}`)).status).toBe(200);
    const member = await acme.as('member');
    expect((await member.post(`${API}/operations/${op.body.id}/validate`)).status).toBe(200);
  });
});
