import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, lotMismatches, newProduct, quantMismatches, setupOf, withRole } from './helpers.ts';

// Lots and serial numbers: receipts name them, deliveries pick them (or the oldest first),
// reservations hold them, lookup finds them, and each one's way through the stock is traceable.

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  other = await env.tenant('other', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

type Lot = { id: string; name: string; product: string; expiresAt: string | null };
const lotsOf = async (productId: string) =>
  (await acme.client.get(`${API}/lots?product=${productId}&limit=200&sort=name`)).body.data as Lot[];
const lotStock = async (lotId: string) =>
  (await acme.client.get(`${API}/lots/${lotId}/stock`)).body.data as {
    location: string;
    onHand: string;
    available: string;
  }[];
const onHand = async (productId: string) =>
  (await acme.client.get(`${API}/stock?productId=${productId}`)).body as {
    onHand: string;
    reserved: string;
    available: string;
  };
const receipt = (lines: unknown[]) => acme.client.post(`${API}/operations`, { kind: 'receipt', lines });
const delivery = (lines: unknown[]) => acme.client.post(`${API}/operations`, { kind: 'delivery', lines });
const movesOf = async (operationId: string) =>
  (await acme.client.get(`${API}/moves?operation=${operationId}&limit=200&sort=createdAt`)).body.data as {
    id: string;
    quantity: string;
    lot: string | null;
    state: string;
  }[];
const counts = async () =>
  (
    await env.sql(
      `select (select count(*) from inventory_operation where tenant_id = $1)::int as ops,
              (select count(*) from inventory_move where tenant_id = $1)::int as moves,
              (select count(*) from inventory_lot where tenant_id = $1)::int as lots`,
      [acme.id],
    )
  )[0];

describe('tracking and lots', () => {
  it('a product is untracked by default; lots belong to tracked products, their names unique per product', async () => {
    const plain = await newProduct(acme);
    expect((await acme.client.get(`${API}/products/${plain.id}`)).body.tracking).toBe('none');
    const p = await newProduct(acme, { tracking: 'lot' });
    const q = await newProduct(acme, { tracking: 'lot' });
    const made = await acme.client.post(`${API}/lots`, { product: p.id, name: ' B-1 ', expiresAt: '2027-03-01' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ name: 'B-1', product: p.id, expiresAt: '2027-03-01' });
    const again = await acme.client.post(`${API}/lots`, { product: p.id, name: 'B-1' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(again.body.details.map((d: { path: string }) => d.path)).toContain('name');
    expect((await acme.client.post(`${API}/lots`, { product: q.id, name: 'B-1' })).status).toBe(201);
    const untracked = await acme.client.post(`${API}/lots`, { product: plain.id, name: 'X' });
    expect(untracked.status).toBe(400);
    expect(untracked.body).toMatchObject({ code: 'INVENTORY_LOT_UNTRACKED', details: [{ path: 'product' }] });
    expect((await acme.client.post(`${API}/lots`, { product: p.id, name: '   ' })).body.details[0].path).toBe('name');
    expect((await acme.client.post(`${API}/lots`, { product: p.id })).status).toBe(400);
    // A lot's product never changes.
    const moved = await acme.client.patch(`${API}/lots/${made.body.id}`, { product: q.id });
    expect(moved.status).toBe(400);
    expect(moved.body.details[0].path).toBe('product');
    expect((await lotsOf(p.id)).map((l) => l.name)).toEqual(['B-1']);
    // A service is not tracked; a product with moves keeps its tracking.
    const service = await acme.client.post(`${API}/products`, {
      sku: `SVC-${Date.now()}`,
      name: 'Svc',
      type: 'service',
      tracking: 'lot',
    });
    expect(service.status).toBe(400);
    expect(service.body.details[0].path).toBe('tracking');
    expect((await acme.client.post(`${API}/receipts`, { productId: plain.id, quantity: '1' })).status).toBe(201);
    const locked = await acme.client.patch(`${API}/products/${plain.id}`, { tracking: 'serial' });
    expect(locked.status).toBe(409);
    expect(locked.body).toMatchObject({ code: 'INVENTORY_TRACKING_LOCKED', details: [{ path: 'tracking' }] });
    const fresh = await newProduct(acme);
    expect((await acme.client.patch(`${API}/products/${fresh.id}`, { tracking: 'serial' })).body.tracking).toBe(
      'serial',
    );
  });

  it('a receipt names its lots (new names are created); a quant per lot; refused lines write nothing', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    const before = await counts();
    const missing = await receipt([{ productId: p.id, quantity: '10' }]);
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lines.0.lots' }] });
    const wrongSum = await receipt([
      {
        productId: p.id,
        quantity: '10',
        lots: [
          { name: 'A', quantity: '6' },
          { name: 'B', quantity: '3' },
        ],
      },
    ]);
    expect(wrongSum.status).toBe(400);
    expect(wrongSum.body).toMatchObject({ code: 'INVENTORY_LOT_QUANTITY', details: [{ path: 'lines.0.lots' }] });
    const plain = await newProduct(acme);
    const untracked = await receipt([
      { productId: p.id, quantity: '1', lotName: 'A' },
      { productId: plain.id, quantity: '1', lotName: 'Z' },
    ]);
    expect(untracked.body).toMatchObject({ code: 'INVENTORY_LOT_UNTRACKED', details: [{ path: 'lines.1.lotName' }] });
    // Nothing half-written: no operation, no move, and not the lots the refused receipts named.
    expect(await counts()).toEqual({ ...before, ops: before?.ops, lots: before?.lots });
    expect(await lotsOf(p.id)).toEqual([]);

    const done = await receipt([
      {
        productId: p.id,
        quantity: '10',
        lots: [
          { name: 'A', quantity: '6', expiresAt: '2027-06-01' },
          { name: 'B', quantity: '4' },
        ],
      },
    ]);
    expect(done.status).toBe(201);
    expect(done.body.lineCount).toBe(2);
    const lots = await lotsOf(p.id);
    expect(lots.map((l) => [l.name, l.expiresAt])).toEqual([
      ['A', '2027-06-01'],
      ['B', null],
    ]);
    const moves = await movesOf(done.body.id);
    expect(moves.map((m) => [m.quantity, lots.find((l) => l.id === m.lot)?.name]).sort()).toEqual([
      ['4.0000', 'B'],
      ['6.0000', 'A'],
    ]);
    expect(await lotStock(lots[0]?.id as string)).toMatchObject([{ location: 'WH/Stock', onHand: '6.0000' }]);
    expect((await onHand(p.id)).onHand).toBe('10.0000');
    // A second receipt into an existing lot by name or id adds to it.
    await receipt([{ productId: p.id, quantity: '2', lotId: lots[0]?.id }]);
    expect((await lotStock(lots[0]?.id as string))[0]?.onHand).toBe('8.0000');
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('serial numbers: one unit each, never on hand twice (409 naming the serial), even received at once', async () => {
    const p = await newProduct(acme, { tracking: 'serial' });
    const three = await receipt([
      { productId: p.id, quantity: '3', lots: [{ name: 'SN1' }, { name: 'SN2' }, { name: 'SN3' }] },
    ]);
    expect(three.status).toBe(201);
    expect((await movesOf(three.body.id)).map((m) => m.quantity)).toEqual(['1.0000', '1.0000', '1.0000']);
    const before = await counts();
    const twice = await receipt([{ productId: p.id, quantity: '2', lots: [{ name: 'SN4' }, { name: 'SN2' }] }]);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({ code: 'INVENTORY_SERIAL_ON_HAND', details: [{ path: 'lines.0.lots.1.name' }] });
    expect(twice.body.message).toContain('SN2');
    const two = await receipt([{ productId: p.id, quantity: '2', lots: [{ name: 'SN5', quantity: '2' }] }]);
    expect(two.body).toMatchObject({
      code: 'INVENTORY_SERIAL_QUANTITY',
      details: [{ path: 'lines.0.lots.0.quantity' }],
    });
    const short = await receipt([{ productId: p.id, quantity: '2', lotName: 'SN6' }]);
    expect(short.body).toMatchObject({ code: 'INVENTORY_SERIAL_QUANTITY', details: [{ path: 'lines.0.quantity' }] });
    const fewer = await receipt([{ productId: p.id, quantity: '3', lots: [{ name: 'SN9' }, { name: 'SN10' }] }]);
    expect(fewer.body).toMatchObject({
      code: 'INVENTORY_LOT_QUANTITY',
      details: [{ path: 'lines.0.lots', message: 'must name one serial number per unit: 3, not 2' }],
    });
    const same = await receipt([{ productId: p.id, quantity: '2', lots: [{ name: 'SN7' }, { name: 'SN7' }] }]);
    expect(same.body).toMatchObject({ code: 'INVENTORY_LOT_TWICE', details: [{ path: 'lines.0.lots.1.name' }] });
    const acrossLines = await receipt([
      { productId: p.id, quantity: '1', lotName: 'SN8' },
      { productId: p.id, quantity: '1', lotName: 'SN8' },
    ]);
    expect(acrossLines.body).toMatchObject({ code: 'INVENTORY_LOT_TWICE', details: [{ path: 'lines.1.lotName' }] });
    expect(
      (await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1', lotName: 'SN1' })).body,
    ).toMatchObject({
      code: 'INVENTORY_SERIAL_ON_HAND',
      details: [{ path: 'lotName' }],
    });
    expect(await counts()).toEqual(before);
    // The same new serial received five times at once: on hand once.
    const racing = await Promise.all(
      Array.from({ length: 5 }, () =>
        acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '1', lotName: 'SN-RACE' }),
      ),
    );
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect((await onHand(p.id)).onHand).toBe('4.0000');
    // Delivered, a serial may come back.
    const sn1 = (await lotsOf(p.id)).find((l) => l.name === 'SN1') as Lot;
    expect((await delivery([{ productId: p.id, quantity: '1', lotId: sn1.id }])).status).toBe(201);
    expect((await receipt([{ productId: p.id, quantity: '1', lotId: sn1.id }])).status).toBe(201);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('deliveries take the lots named, or the earliest expiry first, then the oldest lot', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    await receipt([
      {
        productId: p.id,
        quantity: '9',
        lots: [
          { name: 'NOEXP', quantity: '2' },
          { name: 'LATE', quantity: '4', expiresAt: '2027-06-01' },
          { name: 'SOON', quantity: '3', expiresAt: '2027-01-01' },
        ],
      },
    ]);
    const lots = new Map((await lotsOf(p.id)).map((l) => [l.name, l.id]));
    const name = (id: string | null) => [...lots].find(([, v]) => v === id)?.[0];
    const out = await delivery([{ productId: p.id, quantity: '5' }]);
    expect(out.status).toBe(201);
    expect((await movesOf(out.body.id)).map((m) => [name(m.lot), m.quantity]).sort()).toEqual([
      ['LATE', '2.0000'],
      ['SOON', '3.0000'],
    ]);
    const named = await delivery([{ productId: p.id, quantity: '1', lots: [{ lotId: lots.get('NOEXP') }] }]);
    expect((await movesOf(named.body.id)).map((m) => name(m.lot))).toEqual(['NOEXP']);
    // More than a named lot holds, or than all lots hold: 409 naming the line's lots; nothing changes.
    const tooMuch = await delivery([{ productId: p.id, quantity: '3', lotId: lots.get('LATE') }]);
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body).toMatchObject({ code: 'INVENTORY_INSUFFICIENT_STOCK', details: [{ path: 'lines.0.lotId' }] });
    expect(tooMuch.body.message).toContain('LATE');
    const all = await delivery([{ productId: p.id, quantity: '4' }]);
    expect(all.body).toMatchObject({ code: 'INVENTORY_INSUFFICIENT_STOCK', details: [{ path: 'lines.0.lots' }] });
    expect((await onHand(p.id)).onHand).toBe('3.0000');
    // A transfer keeps the lot; a lot of another product, another company's lot, an unknown name: 4xx.
    const shelf = (await acme.client.post(`${API}/locations`, { name: `Shelf ${Date.now()}`, parent: at.stock })).body
      .id;
    const moved = await acme.client.post(`${API}/operations`, {
      kind: 'internal',
      fromLocationId: at.stock,
      toLocationId: shelf,
      lines: [{ productId: p.id, quantity: '2', lotId: lots.get('LATE') }],
    });
    expect(moved.status).toBe(201);
    expect(await lotStock(lots.get('LATE') as string)).toMatchObject([
      { location: 'WH/Stock', onHand: '0.0000' },
      { location: expect.stringContaining('Shelf'), onHand: '2.0000' },
    ]);
    const q = await newProduct(acme, { tracking: 'lot' });
    const wrong = await delivery([{ productId: q.id, quantity: '1', lots: [{ lotId: lots.get('NOEXP') }] }]);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'INVENTORY_LOT_PRODUCT', details: [{ path: 'lines.0.lots.0.lotId' }] });
    const theirs = await other.client.post(`${API}/products`, { sku: `O-${Date.now()}`, name: 'O', tracking: 'lot' });
    const theirLot = await other.client.post(`${API}/lots`, { product: theirs.body.id, name: 'THEIRS' });
    const foreign = await delivery([{ productId: p.id, quantity: '1', lotId: theirLot.body.id }]);
    expect(foreign.status).toBe(400);
    expect(foreign.body).toMatchObject({ code: 'INVENTORY_LOT_NOT_FOUND', details: [{ path: 'lines.0.lotId' }] });
    const unknown = await delivery([{ productId: p.id, quantity: '1', lotName: 'NOPE' }]);
    expect(unknown.body).toMatchObject({ code: 'INVENTORY_LOT_NOT_FOUND', details: [{ path: 'lines.0.lotName' }] });
    const badId = await delivery([{ productId: p.id, quantity: '1', lotId: 'nope' }]);
    expect(badId.status).toBe(400);
    expect(await quantMismatches(env, acme.id)).toEqual([]);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('never takes a serial twice: 12 concurrent deliveries of 1 against 5 serials → exactly 5 done', async () => {
    const p = await newProduct(acme, { tracking: 'serial' });
    await receipt([{ productId: p.id, quantity: '5', lots: ['C1', 'C2', 'C3', 'C4', 'C5'].map((name) => ({ name })) }]);
    const all = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 2
          ? delivery([{ productId: p.id, quantity: '1' }])
          : acme.client.post(`${API}/moves`, {
              productId: p.id,
              quantity: '1',
              fromLocationId: at.stock,
              toLocationId: at.loc('Partners/Customers'),
              state: 'done',
            }),
      ),
    );
    const statuses = all.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    // The rest are refused (409 or, when two collided, a retryable 503), never a 500.
    expect(statuses.every((s) => s === 201 || s === 409 || s === 503)).toBe(true);
    expect((await onHand(p.id)).onHand).toBe('0.0000');
    const moved = await env.sql(
      `select lot_id, count(*)::int as n from inventory_move where tenant_id = $1 and product_id = $2 and state = 'done'
         and to_id = $3 group by 1`,
      [acme.id, p.id, at.loc('Partners/Customers')],
    );
    expect(moved.map((m) => m.n)).toEqual([1, 1, 1, 1, 1]);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('single moves carry one lot; a draft receipt gets its lots at validation', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    const r1 = await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2', lotName: 'M1' });
    expect(r1.status).toBe(201);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2', lotName: 'M2' });
    expect((await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' })).body).toMatchObject({
      code: 'INVENTORY_LOT_REQUIRED',
      details: [{ path: 'lotId' }],
    });
    const customer = at.loc('Partners/Customers');
    const out = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '1',
      fromLocationId: at.stock,
      toLocationId: customer,
      state: 'done',
    });
    expect(out.status).toBe(201);
    expect(out.body.lot).toBe(r1.body.lot);
    // 3 would need both lots: one move moves one lot.
    const split = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '3',
      fromLocationId: at.stock,
      toLocationId: customer,
      state: 'done',
    });
    expect(split.body).toMatchObject({ code: 'INVENTORY_LOT_SPLIT', details: [{ path: 'lotId' }] });
    // A draft move into stock without a lot: validation asks for it, then takes it.
    const draft = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '5',
      fromLocationId: at.loc('Partners/Suppliers'),
      toLocationId: at.stock,
    });
    const refused = await acme.client.post(`${API}/moves/${draft.body.id}/validate`);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lotId' }] });
    const ok = await acme.client.post(`${API}/moves/${draft.body.id}/validate`, { lotName: 'M3' });
    expect(ok.body).toMatchObject({ state: 'done', lot: expect.any(String) });

    // A draft receipt of serials: validate without them is refused; with them, one move per serial.
    const s = await newProduct(acme, { tracking: 'serial' });
    const op = await acme.client.post(`${API}/operations`, {
      kind: 'receipt',
      state: 'draft',
      lines: [{ productId: s.id, quantity: '2' }],
    });
    expect(op.status).toBe(201);
    const [line] = await movesOf(op.body.id);
    const noLots = await acme.client.post(`${API}/operations/${op.body.id}/validate`);
    expect(noLots.body).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lines.0.lots' }] });
    const validated = await acme.client.post(`${API}/operations/${op.body.id}/validate`, {
      lines: [{ moveId: line?.id, lots: [{ name: 'D-1' }, { name: 'D-2' }] }],
    });
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({ state: 'done', lineCount: 2 });
    expect((await movesOf(op.body.id)).map((m) => [m.state, m.quantity])).toEqual([
      ['done', '1.0000'],
      ['done', '1.0000'],
    ]);
    // A count of one lot: the difference goes to inventory loss with that lot.
    const m2 = (await lotsOf(p.id)).find((l) => l.name === 'M2') as Lot;
    const counted = await acme.client.post(`${API}/adjustments`, {
      productId: p.id,
      locationId: at.stock,
      countedQuantity: '1',
      lotId: m2.id,
    });
    expect(counted.body).toMatchObject({ quantity: '1.0000', lot: m2.id });
    expect(
      (await acme.client.post(`${API}/adjustments`, { productId: p.id, locationId: at.stock, countedQuantity: '1' }))
        .body,
    ).toMatchObject({ code: 'INVENTORY_LOT_REQUIRED', details: [{ path: 'lotId' }] });
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('reserves a named lot (availability per lot); delivering the reservation moves that lot', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    await receipt([
      {
        productId: p.id,
        quantity: '5',
        lots: [
          { name: 'R1', quantity: '3' },
          { name: 'R2', quantity: '2' },
        ],
      },
    ]);
    const lots = new Map((await lotsOf(p.id)).map((l) => [l.name, l.id]));
    const held = await acme.client.post(`${API}/reservations`, {
      productId: p.id,
      quantity: '2',
      lotId: lots.get('R2'),
    });
    expect(held.status).toBe(201);
    expect(held.body.lot).toBe(lots.get('R2'));
    expect((await lotStock(lots.get('R2') as string))[0]).toMatchObject({ onHand: '2.0000', available: '0.0000' });
    const more = await acme.client.post(`${API}/reservations`, {
      productId: p.id,
      quantity: '1',
      lotId: lots.get('R2'),
    });
    expect(more.status).toBe(409);
    expect(more.body.details[0]).toMatchObject({
      path: 'quantity',
      location: expect.stringContaining('R2'),
      available: '0.0000',
    });
    // GraphQL reserves a lot too.
    const gql = await acme.client.graphql(
      `mutation($p: ID!, $l: ID) { inventoryReserve(productId: $p, quantity: "1", lotId: $l) {
         __typename ... on InventoryReserved { reservation { id lot } } } }`,
      { p: p.id, l: lots.get('R1') },
    );
    expect(gql.body.data.inventoryReserve.reservation.lot).toBe(lots.get('R1'));
    // Delivering R2 elsewhere is refused while it is held; the reservation's own delivery takes it.
    expect((await delivery([{ productId: p.id, quantity: '1', lotId: lots.get('R2') }])).status).toBe(409);
    const out = await acme.client.post(`${API}/reservations/${held.body.id}/deliver`, { quantity: '1' });
    expect(out.body).toMatchObject({ state: 'done', lot: lots.get('R2') });
    await acme.client.post(`${API}/reservations/${held.body.id}/release`);
    expect((await lotStock(lots.get('R2') as string))[0]).toMatchObject({ onHand: '1.0000', available: '1.0000' });
    const plain = await newProduct(acme);
    const untracked = await acme.client.post(`${API}/reservations`, {
      productId: plain.id,
      quantity: '1',
      lotId: lots.get('R1'),
    });
    expect(untracked.body).toMatchObject({ code: 'INVENTORY_LOT_UNTRACKED', details: [{ path: 'lotId' }] });
    const q = await newProduct(acme, { tracking: 'lot' });
    const wrong = await acme.client.post(`${API}/reservations`, {
      productId: q.id,
      quantity: '1',
      lotId: lots.get('R1'),
    });
    expect(wrong.body).toMatchObject({ code: 'INVENTORY_LOT_PRODUCT', details: [{ path: 'lotId' }] });
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });

  it('looks up a lot or serial and traces it through its moves (REST and GraphQL)', async () => {
    const p = await newProduct(acme, { tracking: 'serial' });
    const code = `SER-${Date.now()}`;
    const rec = await receipt([{ productId: p.id, quantity: '1', lotName: code }]);
    const serial = (await lotsOf(p.id))[0] as Lot;
    const shelf = (await acme.client.post(`${API}/locations`, { name: `Bin ${Date.now()}`, parent: at.stock })).body;
    await acme.client.post(`${API}/operations`, {
      kind: 'internal',
      reference: 'To the bin',
      fromLocationId: at.stock,
      toLocationId: shelf.id,
      lines: [{ productId: p.id, quantity: '1' }],
    });
    const found = await acme.client.get(`${API}/lookup?code=${code}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({
      product: { id: p.id },
      matched: 'serial',
      lot: { id: serial.id, name: code },
      stock: [
        { location: 'WH/Stock', onHand: '0.0000' },
        { location: shelf.fullName, onHand: '1.0000' },
      ],
    });
    expect((await acme.client.get(`${API}/lookup?code=${p.sku}`)).body.matched).toBe('sku');
    const trace = await acme.client.get(`${API}/lots/${serial.id}/trace`);
    expect(trace.body).toMatchObject({ lot: { name: code }, product: { id: p.id }, onHand: '1.0000' });
    expect(
      trace.body.moves.map((m: { kind: string; from: string; to: string; operationId: string }) => [
        m.kind,
        m.from,
        m.to,
      ]),
    ).toEqual([
      ['receipt', 'Partners/Suppliers', 'WH/Stock'],
      ['internal', 'WH/Stock', shelf.fullName],
    ]);
    expect(trace.body.moves[0].operationId).toBe(rec.body.id);
    expect((await acme.client.get(`${API}/moves?lot=${serial.id}`)).body.data).toHaveLength(2);
    const gql = await acme.client.graphql(
      `query($id: ID!) { inventoryLotTrace(lotId: $id) { lot { name } product { sku } onHand
         stock { location onHand } moves { kind from to quantity operation } } }`,
      { id: serial.id },
    );
    expect(gql.body.data.inventoryLotTrace).toMatchObject({
      lot: { name: code },
      product: { sku: p.sku },
      onHand: '1.0000',
      moves: [{ kind: 'receipt' }, { kind: 'internal', operation: 'To the bin', quantity: '1.0000' }],
    });
    const lots = await acme.client.graphql(`query($p: ID!) { inventoryLots(product: $p) { data { name } } }`, {
      p: p.id,
    });
    expect(lots.body.data?.inventoryLots?.data ?? lots.body.errors).toEqual([{ name: code }]);
  });

  it('another company sees none of the lots; permissions apply', async () => {
    const p = await newProduct(acme, { tracking: 'lot' });
    await receipt([{ productId: p.id, quantity: '1', lotName: 'MINE' }]);
    const lot = (await lotsOf(p.id))[0] as Lot;
    const o = other.client;
    expect((await o.get(`${API}/lots/${lot.id}`)).status).toBe(404);
    expect((await o.get(`${API}/lots/${lot.id}/stock`)).status).toBe(404);
    expect((await o.get(`${API}/lots/${lot.id}/trace`)).status).toBe(404);
    expect((await o.get(`${API}/lots/nope/trace`)).status).toBe(404);
    expect((await o.get(`${API}/lots?limit=200`)).body.data.map((l: Lot) => l.name)).not.toContain('MINE');
    expect((await o.get(`${API}/lot_quants?lot=${lot.id}`)).body.data).toEqual([]);
    expect((await o.get(`${API}/lot-stock?limit=200`)).body.data.map((l: Lot) => l.name)).not.toContain('MINE');
    const mine = await acme.client.get(`${API}/lot-stock?productId=${p.id}&inStock=true`);
    expect(mine.body).toMatchObject({
      total_count: 1,
      data: [{ name: 'MINE', sku: p.sku, onHand: '1.0000', reserved: '0.0000' }],
    });
    expect((await acme.client.get(`${API}/lot-stock?q=MIN&limit=200`)).body.data.map((l: Lot) => l.name)).toContain(
      'MINE',
    );
    expect((await acme.client.get(`${API}/lot-stock?limit=0`)).status).toBe(400);
    expect((await acme.client.get(`${API}/lot-stock?productId=nope`)).status).toBe(400);
    expect((await o.get(`${API}/lookup?code=MINE`)).status).toBe(404);
    expect((await o.patch(`${API}/lots/${lot.id}`, { name: 'THEIRS' })).status).toBe(404);
    expect((await o.post(`${API}/lots`, { product: p.id, name: 'X' })).status).toBe(400);
    const trace = await o.graphql(`query($id: ID!) { inventoryLotTrace(lotId: $id) { onHand } }`, { id: lot.id });
    expect(trace.body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await o.graphql(`{ inventoryLots { data { name } } }`)).body.data.inventoryLots.data).not.toContainEqual({
      name: 'MINE',
    });

    const blind = await withRole(acme, 'lotblind', ['inventory.product.read']);
    expect((await blind.get(`${API}/lots`)).status).toBe(403);
    expect((await blind.get(`${API}/lots/${lot.id}/trace`)).status).toBe(403);
    expect((await blind.get(`${API}/lots/${lot.id}/stock`)).status).toBe(403);
    expect((await blind.get(`${API}/lot-stock`)).status).toBe(403);
    expect(
      (await blind.graphql(`query($id: ID!) { inventoryLotTrace(lotId: $id) { onHand } }`, { id: lot.id })).body
        .errors[0].extensions.code,
    ).toBe('FORBIDDEN');
    const viewer = await withRole(acme, 'lotviewer', ['inventory.product.read', 'inventory.move.read']);
    expect((await viewer.get(`${API}/lots/${lot.id}/trace`)).status).toBe(200);
    expect((await viewer.post(`${API}/lots`, { product: p.id, name: 'V' })).status).toBe(403);
    expect((await viewer.post(`${API}/receipts`, { productId: p.id, quantity: '1', lotName: 'V' })).status).toBe(403);
    // A warehouse operator (member) registers lots.
    const member = await acme.as('member');
    expect((await member.post(`${API}/lots`, { product: p.id, name: 'OPERATOR' })).status).toBe(201);
    expect(await lotMismatches(env, acme.id)).toEqual([]);
  });
});
