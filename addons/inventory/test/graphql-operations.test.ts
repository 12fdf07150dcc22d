import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct, quantMismatches, setupOf, withRole } from './helpers.ts';

// The GraphQL mutations over the services REST already offers: operations, single moves,
// adjustments, cycle counts and CSV imports. Each: what it does, bad input as a typed error naming
// the field, another company's ids as not found, and the permission it needs.

let env: TestEnv;
let acme: TestTenant;
let other: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory] });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  other = await env.tenant('gql-other', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

type Gql = {
  // biome-ignore lint/suspicious/noExplicitAny: answers are read field by field in the assertions
  data?: Record<string, any> | null;
  errors?: { extensions: { code: string; details?: { path?: string }[] } }[];
};
const gql = async (client: ApiClient, query: string, variables?: Record<string, unknown>): Promise<Gql> =>
  (await client.graphql(query, variables)).body;
/** The first error's code and the paths its details name. */
const failure = (r: Gql) => ({
  code: r.errors?.[0]?.extensions.code,
  paths: (r.errors?.[0]?.extensions.details ?? []).map((d: { path?: string }) => d.path).filter(Boolean),
});
const onHand = async (productId: string) =>
  (await acme.client.get(`${API}/stock?productId=${productId}&locationId=${at.stock}`)).body.onHand;

const CREATE_OP = `mutation($input: InventoryOperationInput!) { inventoryCreateOperation(input: $input) {
  __typename
  ... on InventoryOperation { id kind state lineCount }
  ... on InventoryInsufficientStock { sku location requested available shortfall } } }`;
const VALIDATE_OP = `mutation($id: ID!) { inventoryValidateOperation(id: $id) {
  __typename ... on InventoryOperation { id state } ... on InventoryInsufficientStock { shortfall } } }`;
const CANCEL_OP = 'mutation($id: ID!) { inventoryCancelOperation(id: $id) { id state } }';

describe('operations on GraphQL', () => {
  it('receives, delivers from a draft, transfers and adjusts, as POST /operations does', async () => {
    const p = await newProduct(acme, { cost: '2.00' });
    const receipt = await gql(acme.client, CREATE_OP, {
      input: {
        kind: 'receipt',
        reference: 'PO-7',
        lines: [
          { productId: p.id, quantity: '6', unitCost: '2.50' },
          { productId: p.id, quantity: '1', uomId: at.uom('Dozen') },
        ],
      },
    });
    expect(receipt.data?.inventoryCreateOperation).toMatchObject({
      __typename: 'InventoryOperation',
      kind: 'receipt',
      state: 'done',
      lineCount: 2,
    });
    expect(await onHand(p.id)).toBe('18.0000');

    const draft = await gql(acme.client, CREATE_OP, {
      input: { kind: 'delivery', state: 'draft', lines: [{ productId: p.id, quantity: '5' }] },
    });
    const draftId = draft.data?.inventoryCreateOperation.id;
    expect(draft.data?.inventoryCreateOperation).toMatchObject({ state: 'draft' });
    expect(await onHand(p.id)).toBe('18.0000');
    expect((await gql(acme.client, VALIDATE_OP, { id: draftId })).data?.inventoryValidateOperation).toEqual({
      __typename: 'InventoryOperation',
      id: draftId,
      state: 'done',
    });
    expect(await onHand(p.id)).toBe('13.0000');
    // Done: neither validated again nor cancelled.
    expect(failure(await gql(acme.client, VALIDATE_OP, { id: draftId })).code).toBe('INVENTORY_MOVE_STATE');
    expect(failure(await gql(acme.client, CANCEL_OP, { id: draftId })).code).toBe('INVENTORY_MOVE_STATE');

    const transfer = await gql(acme.client, CREATE_OP, {
      input: {
        kind: 'internal',
        state: 'draft',
        fromLocationId: at.stock,
        toLocationId: at.loc('Virtual/Transit'),
        lines: [{ productId: p.id, quantity: '3' }],
      },
    });
    const cancelled = await gql(acme.client, CANCEL_OP, { id: transfer.data?.inventoryCreateOperation.id });
    expect(cancelled.data?.inventoryCancelOperation.state).toBe('cancelled');
    const moves = await acme.client.get(`${API}/moves?operation=${transfer.data?.inventoryCreateOperation.id}`);
    expect(moves.body.data.map((m: { state: string }) => m.state)).toEqual(['cancelled']);

    const adjustment = await gql(acme.client, CREATE_OP, {
      input: {
        kind: 'adjustment',
        fromLocationId: at.stock,
        toLocationId: at.loc('Virtual/Inventory adjustment'),
        lines: [{ productId: p.id, quantity: '1' }],
      },
    });
    expect(adjustment.data?.inventoryCreateOperation).toMatchObject({ kind: 'adjustment', state: 'done' });
    expect(await onHand(p.id)).toBe('12.0000');
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('a short line refuses the whole operation as a result type, writing nothing', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '2' });
    const before = (await acme.client.get(`${API}/operations?limit=200`)).body.data.length;
    const short = await gql(acme.client, CREATE_OP, {
      input: {
        kind: 'delivery',
        lines: [
          { productId: p.id, quantity: '1' },
          { productId: p.id, quantity: '3' },
        ],
      },
    });
    expect(short.errors).toBeUndefined();
    expect(short.data?.inventoryCreateOperation).toEqual({
      __typename: 'InventoryInsufficientStock',
      sku: p.sku,
      location: 'WH/Stock',
      requested: '4.0000',
      available: '2.0000',
      shortfall: '2.0000',
    });
    expect((await acme.client.get(`${API}/operations?limit=200`)).body.data.length).toBe(before);
    expect(await onHand(p.id)).toBe('2.0000');
    // A draft validated once stock has gone: the same answer, and it stays a draft.
    const draft = await gql(acme.client, CREATE_OP, {
      input: { kind: 'delivery', state: 'draft', lines: [{ productId: p.id, quantity: '2' }] },
    });
    await acme.client.post(`${API}/reservations`, { productId: p.id, quantity: '1' });
    const id = draft.data?.inventoryCreateOperation.id;
    expect((await gql(acme.client, VALIDATE_OP, { id })).data?.inventoryValidateOperation).toEqual({
      __typename: 'InventoryInsufficientStock',
      shortfall: '1.0000',
    });
    expect((await acme.client.get(`${API}/operations/${id}`)).body.state).toBe('draft');
  });

  it('bad input is VALIDATION_FAILED naming the field, never an internal error', async () => {
    const p = await newProduct(acme);
    const service = await newProduct(acme, { type: 'service' });
    const cases: [Record<string, unknown>, string[]][] = [
      [{ kind: 'receipt', lines: [] }, ['lines']],
      [{ kind: 'receipt', lines: [{ productId: p.id, quantity: '0' }] }, ['lines.0.quantity']],
      [{ kind: 'receipt', lines: [{ productId: 'not-a-uuid', quantity: '1' }] }, ['lines.0.productId']],
      [{ kind: 'receipt', lines: [{ productId: p.id, quantity: '1', unitCost: '1.2.3' }] }, ['lines.0.unitCost']],
      [{ kind: 'receipt', lines: [{ productId: p.id, quantity: '1', uomId: at.uom('kg') }] }, ['lines.0.uomId']],
      [{ kind: 'receipt', lines: [{ productId: service.id, quantity: '1' }] }, ['lines.0.productId']],
      [{ kind: 'receipt', state: 'later', lines: [{ productId: p.id, quantity: '1' }] }, ['state']],
      [{ kind: 'receipt', reference: 'x'.repeat(121), lines: [{ productId: p.id, quantity: '1' }] }, ['reference']],
      [{ kind: 'internal', lines: [{ productId: p.id, quantity: '1' }] }, ['lines.0.fromLocationId']],
      [
        {
          kind: 'internal',
          fromLocationId: at.stock,
          toLocationId: at.stock,
          lines: [{ productId: p.id, quantity: '1' }],
        },
        ['lines.0.toLocationId'],
      ],
    ];
    for (const [input, paths] of cases) {
      const r = await gql(acme.client, CREATE_OP, { input });
      expect(failure(r), JSON.stringify(input)).toEqual({ code: 'VALIDATION_FAILED', paths });
    }
    // A quantity that is no decimal is refused by the Decimal scalar, with a code.
    const bad = await gql(acme.client, CREATE_OP, {
      input: { kind: 'receipt', lines: [{ productId: p.id, quantity: 'lots' }] },
    });
    expect(bad.errors?.[0]?.extensions.code).toMatch(/^(VALIDATION_FAILED|BAD_USER_INPUT)$/);
    expect(failure(await gql(acme.client, VALIDATE_OP, { id: 'nope' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['id'],
    });
    expect(await onHand(p.id)).toBe('0.0000');
  });
});

describe('single moves and adjustments on GraphQL', () => {
  const CREATE = `mutation($p: ID!, $q: Decimal!, $from: ID!, $to: ID!, $state: InventoryMoveState) {
    inventoryCreateMove(productId: $p, quantity: $q, fromLocationId: $from, toLocationId: $to, state: $state) { id state quantity } }`;

  it('creates a draft, confirms and cancels it; a done move is immutable', async () => {
    const p = await newProduct(acme);
    const m = await gql(acme.client, CREATE, { p: p.id, q: '2', from: at.loc('Partners/Suppliers'), to: at.stock });
    const id = m.data?.inventoryCreateMove.id;
    expect(m.data?.inventoryCreateMove).toMatchObject({ state: 'draft', quantity: '2.0000' });
    const confirmed = await gql(acme.client, `mutation { inventoryConfirmMove(id: "${id}") { state } }`);
    expect(confirmed.data?.inventoryConfirmMove.state).toBe('confirmed');
    const cancelled = await gql(acme.client, `mutation { inventoryCancelMove(id: "${id}") { state } }`);
    expect(cancelled.data?.inventoryCancelMove.state).toBe('cancelled');
    expect(failure(await gql(acme.client, `mutation { inventoryConfirmMove(id: "${id}") { state } }`)).code).toBe(
      'INVENTORY_MOVE_STATE',
    );
    const done = await gql(acme.client, CREATE, {
      p: p.id,
      q: '4',
      from: at.loc('Partners/Suppliers'),
      to: at.stock,
      state: 'done',
    });
    expect(done.data?.inventoryCreateMove.state).toBe('done');
    expect(await onHand(p.id)).toBe('4.0000');
    const doneId = done.data?.inventoryCreateMove.id;
    expect(failure(await gql(acme.client, `mutation { inventoryCancelMove(id: "${doneId}") { state } }`)).code).toBe(
      'INVENTORY_MOVE_STATE',
    );
    // More than there is: the typed shortfall error, nothing written.
    const short = await gql(acme.client, CREATE, {
      p: p.id,
      q: '5',
      from: at.stock,
      to: at.loc('Partners/Customers'),
      state: 'done',
    });
    expect(failure(short)).toEqual({ code: 'INVENTORY_INSUFFICIENT_STOCK', paths: ['quantity'] });
    expect(await onHand(p.id)).toBe('4.0000');
    // Bad input names the field.
    expect(failure(await gql(acme.client, CREATE, { p: p.id, q: '1', from: at.stock, to: 'x' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['toLocationId'],
    });
    expect(failure(await gql(acme.client, CREATE, { p: p.id, q: '1', from: at.stock, to: at.stock }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['toLocationId'],
    });
    expect(
      failure(await gql(acme.client, CREATE, { p: p.id, q: '1', from: at.stock, to: at.stock, state: 'cancelled' })),
    ).toEqual({ code: 'VALIDATION_FAILED', paths: ['state'] });
  });

  it('adjusts to a counted quantity; equal answers null', async () => {
    const p = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '5' });
    const ADJ = `mutation($p: ID!, $l: ID!, $c: Decimal!) { inventoryAdjust(productId: $p, locationId: $l, countedQuantity: $c) { quantity from to } }`;
    const r = await gql(acme.client, ADJ, { p: p.id, l: at.stock, c: '3' });
    expect(r.data?.inventoryAdjust).toEqual({
      quantity: '2.0000',
      from: at.stock,
      to: at.loc('Virtual/Inventory adjustment'),
    });
    expect((await gql(acme.client, ADJ, { p: p.id, l: at.stock, c: '3' })).data?.inventoryAdjust).toBeNull();
    expect(failure(await gql(acme.client, ADJ, { p: p.id, l: at.loc('Partners/Customers'), c: '3' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['locationId'],
    });
    expect(await onHand(p.id)).toBe('3.0000');
  });
});

describe('cycle counts on GraphQL', () => {
  const OPEN = 'mutation($l: ID!) { inventoryOpenCount(locationId: $l, reference: "Shelf check") { id state } }';
  const SCAN = `mutation($c: ID!, $code: String!, $q: Decimal) { inventoryScanCount(countId: $c, code: $code, quantity: $q) {
    line { countedQuantity } product { id sku } } }`;
  const SET = `mutation($c: ID!, $p: ID!, $q: Decimal!) { inventorySetCountLine(countId: $c, productId: $p, countedQuantity: $q) { countedQuantity } }`;

  it('opens a sheet, scans and types lines, validates the differences into one adjustment', async () => {
    const a = await newProduct(acme, { barcode: `INT-${Date.now()}` });
    const b = await newProduct(acme);
    await acme.client.post(`${API}/receipts`, { productId: a.id, quantity: '10' });
    await acme.client.post(`${API}/receipts`, { productId: b.id, quantity: '3' });
    const sheet = (await gql(acme.client, OPEN, { l: at.stock })).data?.inventoryOpenCount;
    expect(sheet.state).toBe('open');
    const barcode = (await acme.client.get(`${API}/products/${a.id}`)).body.barcode;
    expect((await gql(acme.client, SCAN, { c: sheet.id, code: barcode })).data?.inventoryScanCount).toEqual({
      line: { countedQuantity: '1.0000' },
      product: { id: a.id, sku: a.sku },
    });
    const again = await gql(acme.client, SCAN, { c: sheet.id, code: a.sku, q: '7' });
    expect(again.data?.inventoryScanCount.line.countedQuantity).toBe('8.0000');
    expect((await gql(acme.client, SET, { c: sheet.id, p: b.id, q: '5' })).data?.inventorySetCountLine).toEqual({
      countedQuantity: '5.0000',
    });
    const unknown = await gql(acme.client, SCAN, { c: sheet.id, code: 'NO-SUCH-CODE' });
    expect(failure(unknown).code).toBe('NOT_FOUND');
    const done = await gql(
      acme.client,
      `mutation { inventoryValidateCount(id: "${sheet.id}") { state operation doneAt } }`,
    );
    expect(done.data?.inventoryValidateCount).toMatchObject({ state: 'done', doneAt: expect.any(String) });
    expect(await onHand(a.id)).toBe('8.0000');
    expect(await onHand(b.id)).toBe('5.0000');
    const op = await acme.client.get(`${API}/operations/${done.data?.inventoryValidateCount.operation}`);
    expect(op.body).toMatchObject({ kind: 'adjustment', lineCount: 2, origin: `inventory.count:${sheet.id}` });
    // A done sheet takes nothing more.
    expect(failure(await gql(acme.client, SCAN, { c: sheet.id, code: a.sku })).code).toBe('INVENTORY_COUNT_STATE');
    expect(failure(await gql(acme.client, `mutation { inventoryCancelCount(id: "${sheet.id}") { state } }`)).code).toBe(
      'INVENTORY_COUNT_STATE',
    );
    const second = (await gql(acme.client, OPEN, { l: at.stock })).data?.inventoryOpenCount;
    const cancelled = await gql(acme.client, `mutation { inventoryCancelCount(id: "${second.id}") { state } }`);
    expect(cancelled.data?.inventoryCancelCount.state).toBe('cancelled');
  });

  it('bad input names the field', async () => {
    const p = await newProduct(acme);
    const sheet = (await gql(acme.client, OPEN, { l: at.stock })).data?.inventoryOpenCount;
    expect(failure(await gql(acme.client, OPEN, { l: at.loc('Partners/Suppliers') }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['locationId'],
    });
    expect(failure(await gql(acme.client, OPEN, { l: 'not-a-uuid' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['locationId'],
    });
    expect(failure(await gql(acme.client, SET, { c: 'x', p: p.id, q: '1' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['countId'],
    });
    expect(failure(await gql(acme.client, SET, { c: sheet.id, p: 'x', q: '1' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['productId'],
    });
    expect(failure(await gql(acme.client, SCAN, { c: sheet.id, code: '' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['code'],
    });
    // NUL is refused by the kernel's GraphQL input rules before the resolver runs.
    expect(failure(await gql(acme.client, SCAN, { c: sheet.id, code: 'a\u0000b' }))).toEqual({
      code: 'BAD_USER_INPUT',
      paths: ['code'],
    });
    // An empty sheet cannot be validated.
    expect(failure(await gql(acme.client, `mutation { inventoryValidateCount(id: "${sheet.id}") { state } }`))).toEqual(
      {
        code: 'VALIDATION_FAILED',
        paths: ['lines'],
      },
    );
  });
});

describe('CSV imports on GraphQL', () => {
  const START = `mutation($csv: String!, $l: ID, $f: String) { inventoryStartImport(csv: $csv, locationId: $l, filename: $f) {
    id state totalRows filename } }`;
  const STATUS = `query($id: ID!) { inventoryImport(id: $id) { state progress processedRows createdProducts countedRows failedRows
    errors { row field reason } } }`;

  it('starts an import and reports its progress and row errors', async () => {
    const s = `G${Date.now()}`;
    const csv = ['sku,name,quantity', `${s}-1,Bolt,12`, `${s}-2,,3`].join('\n');
    const started = await gql(acme.client, START, { csv, l: at.stock, f: 'bolts.csv' });
    expect(started.data?.inventoryStartImport).toMatchObject({ totalRows: 2, filename: 'bolts.csv' });
    const id = started.data?.inventoryStartImport.id;
    const done = await vi.waitFor(
      async () => {
        const r = (await gql(acme.client, STATUS, { id })).data?.inventoryImport;
        expect(r.state).toBe('completed');
        return r;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(done).toEqual({
      state: 'completed',
      progress: 100,
      processedRows: 2,
      createdProducts: 1,
      countedRows: 1,
      failedRows: 1,
      errors: [{ row: 2, field: 'name', reason: 'is required' }],
    });
    const list = await gql(acme.client, '{ inventoryImports(limit: 5) { total_count data { id } } }');
    expect(list.data?.inventoryImports.data.map((i: { id: string }) => i.id)).toContain(id);
    const product = (await acme.client.get(`${API}/products?q=${s}-1`)).body.data[0];
    expect(await onHand(product.id)).toBe('12.0000');
  });

  it('bad input names the field (the CSV, its columns, the location)', async () => {
    expect(failure(await gql(acme.client, START, { csv: '' }))).toEqual({ code: 'VALIDATION_FAILED', paths: ['csv'] });
    expect(failure(await gql(acme.client, START, { csv: 'sku,name\na\u0000,b' }))).toEqual({
      code: 'BAD_USER_INPUT',
      paths: ['csv'],
    });
    expect(failure(await gql(acme.client, START, { csv: 'sku,quantity\nA,1' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['name'],
    });
    expect(failure(await gql(acme.client, START, { csv: 'sku,name\nA,B', l: 'x' }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['locationId'],
    });
    expect(failure(await gql(acme.client, START, { csv: 'sku,name\nA,B', l: at.loc('Partners/Customers') }))).toEqual({
      code: 'VALIDATION_FAILED',
      paths: ['locationId'],
    });
    expect(failure(await gql(acme.client, STATUS, { id: 'x' }))).toEqual({ code: 'VALIDATION_FAILED', paths: ['id'] });
  });
});

describe('isolation and permissions', () => {
  it('another company gets not found for every id, and cannot refer to our products or locations', async () => {
    const p = await newProduct(acme, { barcode: `ISO-${Date.now()}` });
    await acme.client.post(`${API}/receipts`, { productId: p.id, quantity: '4' });
    const draft = await gql(acme.client, CREATE_OP, {
      input: { kind: 'delivery', state: 'draft', lines: [{ productId: p.id, quantity: '1' }] },
    });
    const opId = draft.data?.inventoryCreateOperation.id;
    const move = await acme.client.post(`${API}/moves`, {
      productId: p.id,
      quantity: '1',
      fromLocationId: at.stock,
      toLocationId: at.loc('Partners/Customers'),
    });
    const sheet = (await acme.client.post(`${API}/counts`, { locationId: at.stock })).body;
    const imp = await gql(acme.client, 'mutation { inventoryStartImport(csv: "sku,name\\nISO-X,Iso") { id } }');
    const importId = imp.data?.inventoryStartImport.id;

    const notFound: [string, Record<string, unknown>][] = [
      [VALIDATE_OP, { id: opId }],
      [CANCEL_OP, { id: opId }],
      ['mutation($id: ID!) { inventoryConfirmMove(id: $id) { id } }', { id: move.body.id }],
      ['mutation($id: ID!) { inventoryCancelMove(id: $id) { id } }', { id: move.body.id }],
      [
        'mutation($id: ID!, $p: ID!) { inventorySetCountLine(countId: $id, productId: $p, countedQuantity: "1") { id } }',
        { id: sheet.id, p: p.id },
      ],
      ['mutation($id: ID!) { inventoryScanCount(countId: $id, code: "x") { line { id } } }', { id: sheet.id }],
      ['mutation($id: ID!) { inventoryValidateCount(id: $id) { id } }', { id: sheet.id }],
      ['mutation($id: ID!) { inventoryCancelCount(id: $id) { id } }', { id: sheet.id }],
      ['query($id: ID!) { inventoryImport(id: $id) { id } }', { id: importId }],
    ];
    for (const [q, v] of notFound) expect(failure(await gql(other.client, q, v)).code, q).toBe('NOT_FOUND');
    const list = await gql(other.client, '{ inventoryImports { data { id } } }');
    expect(list.data?.inventoryImports.data).toEqual([]);

    const refused: [string, Record<string, unknown>, string][] = [
      [CREATE_OP, { input: { kind: 'receipt', lines: [{ productId: p.id, quantity: '1' }] } }, 'lines.0.productId'],
      [
        'mutation($p: ID!, $l: ID!) { inventoryAdjust(productId: $p, locationId: $l, countedQuantity: "9") { id } }',
        { p: p.id, l: at.stock },
        'productId',
      ],
      ['mutation($l: ID!) { inventoryOpenCount(locationId: $l) { id } }', { l: at.stock }, 'locationId'],
      [
        'mutation($p: ID!, $l: ID!) { inventoryCreateMove(productId: $p, quantity: "1", fromLocationId: $l, toLocationId: $l) { id } }',
        { p: p.id, l: at.stock },
        'productId',
      ],
      [
        'mutation($l: ID!) { inventoryStartImport(csv: "sku,name\\nA,B", locationId: $l) { id } }',
        { l: at.stock },
        'locationId',
      ],
    ];
    for (const [q, v, path] of refused) {
      expect(failure(await gql(other.client, q, v)), q).toEqual({ code: 'VALIDATION_FAILED', paths: [path] });
    }
    // Our side is untouched.
    expect(await onHand(p.id)).toBe('4.0000');
    expect((await acme.client.get(`${API}/operations/${opId}`)).body.state).toBe('draft');
    expect((await acme.client.get(`${API}/counts/${sheet.id}`)).body.state).toBe('open');
  });

  it('moving and counting need inventory.move.write; imports need inventory.import.write/read', async () => {
    const p = await newProduct(acme);
    const viewer = await withRole(acme, 'gqlviewer', ['inventory.product.read', 'inventory.move.read']);
    const forbidden: [string, Record<string, unknown>][] = [
      [CREATE_OP, { input: { kind: 'receipt', lines: [{ productId: p.id, quantity: '1' }] } }],
      [VALIDATE_OP, { id: p.id }],
      [CANCEL_OP, { id: p.id }],
      [
        'mutation($p: ID!, $l: ID!) { inventoryCreateMove(productId: $p, quantity: "1", fromLocationId: $l, toLocationId: $l) { id } }',
        { p: p.id, l: at.stock },
      ],
      ['mutation($id: ID!) { inventoryConfirmMove(id: $id) { id } }', { id: p.id }],
      ['mutation($id: ID!) { inventoryCancelMove(id: $id) { id } }', { id: p.id }],
      [
        'mutation($p: ID!, $l: ID!) { inventoryAdjust(productId: $p, locationId: $l, countedQuantity: "9") { id } }',
        { p: p.id, l: at.stock },
      ],
      ['mutation($l: ID!) { inventoryOpenCount(locationId: $l) { id } }', { l: at.stock }],
      [
        'mutation($id: ID!, $p: ID!) { inventorySetCountLine(countId: $id, productId: $p, countedQuantity: "1") { id } }',
        { id: p.id, p: p.id },
      ],
      ['mutation($id: ID!) { inventoryScanCount(countId: $id, code: "x") { line { id } } }', { id: p.id }],
      ['mutation($id: ID!) { inventoryValidateCount(id: $id) { id } }', { id: p.id }],
      ['mutation($id: ID!) { inventoryCancelCount(id: $id) { id } }', { id: p.id }],
      ['mutation { inventoryStartImport(csv: "sku,name\\nA,B") { id } }', {}],
      ['query($id: ID!) { inventoryImport(id: $id) { id } }', { id: p.id }],
      ['{ inventoryImports { data { id } } }', {}],
    ];
    for (const [q, v] of forbidden) expect(failure(await gql(viewer, q, v)).code, q).toBe('FORBIDDEN');
    // A member (warehouse operator) moves and counts, but does not import.
    const member = await acme.as('member');
    const ok = await gql(member, CREATE_OP, {
      input: { kind: 'receipt', lines: [{ productId: p.id, quantity: '2' }] },
    });
    expect(ok.data?.inventoryCreateOperation.state).toBe('done');
    expect(
      (await gql(member, 'mutation($l: ID!) { inventoryOpenCount(locationId: $l) { state } }', { l: at.stock })).data,
    ).toEqual({ inventoryOpenCount: { state: 'open' } });
    expect(failure(await gql(member, 'mutation { inventoryStartImport(csv: "sku,name\\nA,B") { id } }')).code).toBe(
      'FORBIDDEN',
    );
    // A manager imports, but not costs.
    const manager = await acme.as('manager');
    const cost = await gql(manager, 'mutation { inventoryStartImport(csv: "sku,name,cost\\nA,B,1") { id } }');
    expect(failure(cost)).toEqual({ code: 'FORBIDDEN', paths: ['cost'] });
  });
});
