import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, quantMismatches, setupOf } from './helpers.ts';

// CSV import of products and initial stock (a counted adjustment), run by a job with progress and
// per-row errors.

const WAIT = { timeout: 30_000, interval: 100 };
let env: TestEnv;
let acme: TestTenant;
let at: Awaited<ReturnType<typeof setupOf>>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory] });
  acme = await env.tenant('acme', { enable: ['inventory'] });
  at = await setupOf(acme.client);
});
afterAll(() => env?.close());

const upload = async (client: ApiClient, csv: string, query = '') => {
  const res = await fetch(`${env.url}${API}/imports${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, body: await res.json() };
};
const finished = (id: string) =>
  vi.waitFor(async () => {
    const res = await acme.client.get(`${API}/imports/${id}`);
    expect(res.body.state).toBe('completed');
    return res.body;
  }, WAIT);
const bySku = async (sku: string) => (await acme.client.get(`${API}/products?q=${sku}`)).body.data[0];
const onHand = async (productId: string) =>
  (await acme.client.get(`${API}/stock?productId=${productId}&locationId=${at.stock}`)).body.onHand;

describe('CSV import of products and initial stock', () => {
  it('creates the products, counts their stock in, and names each bad row, field and reason', async () => {
    const s = `I${Date.now()}`;
    const csv = [
      'SKU,Name,Barcode,Type,Cost,Sale price,Quantity',
      `${s}-1,"Bolt, M6",4006381333931,stockable,0.10,0.25,100`,
      `${s}-2,Nut,,,0.05,,40`,
      `${s}-3,,,stockable,,,5`,
      `${s}-4,Washer,4006381333932,,,,1`,
      `${s}-5,Install service,,service,,90,`,
      `${s}-6,Spring,,,,,many`,
      `${s}-2,Nut again,,,,,1`,
    ].join('\r\n');
    const res = await upload(acme.client, csv, '?filename=stock.csv');
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toMatchObject({ totalRows: 7, filename: 'stock.csv' });
    expect(res.body.csv).toBeUndefined();
    const done = await finished(res.body.id);
    expect(done).toMatchObject({ processedRows: 7, createdProducts: 3, countedRows: 2, failedRows: 4, progress: 100 });
    expect(done.errors).toEqual([
      { row: 3, field: 'name', reason: 'is required' },
      { row: 4, field: 'barcode', reason: 'has a wrong check digit for EAN13 (expected 1)' },
      { row: 6, field: 'quantity', reason: 'must be a number of at most 14 digits and 4 decimals' },
      { row: 7, field: 'sku', reason: 'is given twice in the file' },
    ]);
    const bolt = await bySku(`${s}-1`);
    expect(bolt).toMatchObject({ name: 'Bolt, M6', barcode: '4006381333931', cost: '0.1000', salePrice: '0.2500' });
    expect(await onHand(bolt.id)).toBe('100.0000');
    const nut = await bySku(`${s}-2`);
    expect(await onHand(nut.id)).toBe('40.0000');
    expect((await bySku(`${s}-5`)).type).toBe('service');
    // The counts came in as one adjustment operation from inventory loss, valued at cost.
    const ops = (await acme.client.get(`${API}/operations?origin=inventory.import:${res.body.id}`)).body.data;
    expect(ops).toEqual([expect.objectContaining({ kind: 'adjustment', state: 'done', lineCount: 2 })]);
    expect((await acme.client.get(`${API}/valuation?productId=${bolt.id}`)).body.data[0].value).toBe('10.0000');

    // Again with other counts: the stock becomes what the file says (a difference, not an addition).
    const again = await upload(acme.client, `sku,name,quantity\n${s}-1,Bolt,70\n${s}-2,Nut,40\n`);
    const second = await finished(again.body.id);
    expect(second).toMatchObject({ createdProducts: 0, countedRows: 2, failedRows: 0 });
    expect(await onHand(bolt.id)).toBe('70.0000');
    expect(await onHand(nut.id)).toBe('40.0000');
    expect((await bySku(`${s}-1`)).name).toBe('Bolt, M6');
    expect(await quantMismatches(env, acme.id)).toEqual([]);
  });

  it('does not count a tracked product (its lots come in by receipt); the other rows are counted', async () => {
    const s = `LOTIMP-${Date.now()}`;
    const tracked = await acme.client.post(`${API}/products`, { sku: `${s}-T`, name: 'Tracked', tracking: 'lot' });
    const res = await upload(acme.client, `sku,name,quantity\n${s}-T,Tracked,5\n${s}-U,Untracked,3\n`);
    const done = await finished(res.body.id);
    expect(done).toMatchObject({ countedRows: 1, failedRows: 1 });
    expect(done.errors).toEqual([
      { row: 1, field: 'quantity', reason: 'the product is tracked by lot or serial: receive it with its lots' },
    ]);
    expect(await onHand(tracked.body.id)).toBe('0.0000');
    expect(await onHand((await bySku(`${s}-U`)).id)).toBe('3.0000');
  });

  it('refuses a file without the needed columns, a view location, and costs without the cost permission', async () => {
    const noName = await upload(acme.client, 'sku,quantity\nA,1\n');
    expect(noName.status).toBe(400);
    expect(noName.body.details[0].path).toBe('name');
    expect((await upload(acme.client, '')).status).toBe(400);
    const view = await upload(acme.client, 'sku,name\nA,B\n', `?locationId=${at.loc('WH')}`);
    expect(view.body.details[0].path).toBe('locationId');
    const manager = await acme.as('manager');
    const cost = await upload(manager, 'sku,name,cost\nA,B,1\n');
    expect(cost.status).toBe(403);
    expect(cost.body.details[0].path).toBe('cost');
    expect((await upload(manager, `sku,name\nMGR-${Date.now()},From a manager\n`)).status).toBe(202);
  });

  it('another company sees no import; a member cannot import', async () => {
    const res = await upload(acme.client, `sku,name\nISO-${Date.now()},Isolated\n`);
    await finished(res.body.id);
    const globex = await env.tenant(`globex-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.get(`${API}/imports`)).body.data).toEqual([]);
    expect((await globex.client.get(`${API}/imports/${res.body.id}`)).status).toBe(404);
    const foreign = await upload(globex.client, 'sku,name\nX,Y\n', `?locationId=${at.stock}`);
    expect(foreign.status).toBe(400);
    const member = await acme.as('member');
    expect((await upload(member, 'sku,name\nX,Y\n')).status).toBe(403);
    expect((await member.get(`${API}/imports`)).status).toBe(403);
    expect((await acme.client.get(`${API}/imports`)).body.data.length).toBeGreaterThan(0);
  });
});
