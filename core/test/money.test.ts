import type { Money } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../src/db/tenant-tx.ts';
import { tenantMoney } from '../src/money/money-service.ts';

let env: TestEnv;
let seq = 0;
/** A fresh company per test, so tests pass in any order. */
const company = (): Promise<TestTenant> => env.tenant(`money-${++seq}`);

const rate = (t: TestTenant, from: string, to: string, r: string, validOn: string) =>
  t.client.post('/api/v1/core/exchange-rates', { from, to, rate: r, validOn });
const lookup = (t: TestTenant, from: string, to: string, date?: string) =>
  t.client.get(`/api/v1/core/exchange-rates/lookup?from=${from}&to=${to}${date ? `&date=${date}` : ''}`);

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
});
afterAll(() => env?.close());

describe('company currency', () => {
  it('is USD until set; the owner sets it; members read it but may not change it', async () => {
    const a = await company();
    expect((await a.client.get('/api/v1/core/money/settings')).body).toEqual({ currency: 'USD' });
    const put = await a.client.put('/api/v1/core/money/settings', { currency: 'EUR' });
    expect(put.status).toBe(200);
    expect((await a.client.get('/api/v1/core/money/settings')).body).toEqual({ currency: 'EUR' });
    const member = await a.as('member');
    expect((await member.get('/api/v1/core/money/settings')).body).toEqual({ currency: 'EUR' });
    const denied = await member.put('/api/v1/core/money/settings', { currency: 'GBP' });
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('core.money.manage');
    const admin = await a.as('admin');
    expect((await admin.put('/api/v1/core/money/settings', { currency: 'GBP' })).status).toBe(200);
  });

  it('refuses what is no ISO currency, naming the field', async () => {
    const a = await company();
    for (const body of [{ currency: 'eur' }, { currency: 'XYZ' }, { currency: 12 }, {}, { currency: 'EUR', x: 1 }]) {
      const res = await a.client.put('/api/v1/core/money/settings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { path: string }) => d.path)).toEqual(
        expect.arrayContaining([Object.keys(body).includes('x') ? 'x' : 'currency']),
      );
    }
  });
});

describe('exchange rates (REST)', () => {
  it('creates, reads, lists, patches and deletes a dated rate', async () => {
    const a = await company();
    const created = await rate(a, 'EUR', 'USD', '1.082500', '2025-01-15');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ from: 'EUR', to: 'USD', rate: '1.0825', validOn: '2025-01-15' });
    const id = created.body.id as string;
    expect((await a.client.get(`/api/v1/core/exchange-rates/${id}`)).body.rate).toBe('1.0825');
    await rate(a, 'EUR', 'USD', '1.09', '2025-02-01');
    await rate(a, 'GBP', 'USD', '1.27', '2025-01-20');
    const all = await a.client.get('/api/v1/core/exchange-rates');
    expect(all.body.total_count).toBe(3);
    expect(all.body.data.map((r: { validOn: string }) => r.validOn)).toEqual([
      '2025-02-01',
      '2025-01-20',
      '2025-01-15',
    ]);
    const eur = await a.client.get('/api/v1/core/exchange-rates?from=EUR&limit=1&offset=1');
    expect(eur.body).toMatchObject({ total_count: 2, limit: 1, offset: 1, data: [{ validOn: '2025-01-15' }] });
    const patched = await a.client.patch(`/api/v1/core/exchange-rates/${id}`, { rate: '1.08' });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id, rate: '1.08', validOn: '2025-01-15' });
    expect((await a.client.delete(`/api/v1/core/exchange-rates/${id}`)).status).toBe(204);
    expect((await a.client.get(`/api/v1/core/exchange-rates/${id}`)).status).toBe(404);
  });

  it('keeps 12 decimals exactly', async () => {
    const a = await company();
    const res = await rate(a, 'USD', 'JPY', '151.123456789012', '2025-03-01');
    expect(res.body.rate).toBe('151.123456789012');
    const rows = await env.sql<{ rate: string }>('select rate::text from core_exchange_rate where tenant_id = $1', [
      a.id,
    ]);
    expect(rows[0]?.rate).toBe('151.123456789012');
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const a = await company();
    const bad: [Record<string, unknown>, string][] = [
      [{ from: 'EUR', to: 'USD', rate: 1.08, validOn: '2025-01-01' }, 'rate'],
      [{ from: 'EUR', to: 'USD', rate: '1e3', validOn: '2025-01-01' }, 'rate'],
      [{ from: 'EUR', to: 'USD', rate: '0', validOn: '2025-01-01' }, 'rate'],
      [{ from: 'EUR', to: 'USD', rate: '-1', validOn: '2025-01-01' }, 'rate'],
      [{ from: 'EUR', to: 'USD', rate: '1.0000000000001', validOn: '2025-01-01' }, 'rate'],
      [{ from: 'EUR', to: 'USD', rate: '1', validOn: '2025-02-30' }, 'validOn'],
      [{ from: 'EUR', to: 'USD', rate: '1', validOn: '01/02/2025' }, 'validOn'],
      [{ from: 'EUR', to: 'EUR', rate: '1', validOn: '2025-01-01' }, 'to'],
      [{ from: 'XYZ', to: 'USD', rate: '1', validOn: '2025-01-01' }, 'from'],
      [{ to: 'USD', rate: '1', validOn: '2025-01-01' }, 'from'],
      [{ from: 'EUR', to: 'USD', rate: '1', validOn: '2025-01-01', note: 'x' }, 'note'],
    ];
    for (const [body, field] of bad) {
      const res = await a.client.post('/api/v1/core/exchange-rates', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect((await a.client.get('/api/v1/core/exchange-rates')).body.total_count).toBe(0);
    // One rate per pair and day: the second is a 400 on validOn, not a 500.
    expect((await rate(a, 'EUR', 'USD', '1.1', '2025-01-01')).status).toBe(201);
    const dup = await rate(a, 'EUR', 'USD', '1.2', '2025-01-01');
    expect(dup.status).toBe(400);
    expect(dup.body.details[0].path).toBe('validOn');
    // A patch that would make from = to, or collide with another day, is refused the same way.
    const other = await rate(a, 'EUR', 'USD', '1.3', '2025-01-02');
    const clash = await a.client.patch(`/api/v1/core/exchange-rates/${other.body.id}`, { validOn: '2025-01-01' });
    expect(clash.status).toBe(400);
    const same = await a.client.patch(`/api/v1/core/exchange-rates/${other.body.id}`, { to: 'EUR' });
    expect(same.status).toBe(400);
    expect((await a.client.get(`/api/v1/core/exchange-rates/${other.body.id}`)).body).toMatchObject({
      to: 'USD',
      validOn: '2025-01-02',
      rate: '1.3',
    });
    expect((await a.client.get('/api/v1/core/exchange-rates/not-a-uuid')).status).toBe(404);
  });

  it('lets members read rates but only core.money.manage change them', async () => {
    const a = await company();
    const made = await rate(a, 'EUR', 'USD', '1.1', '2025-01-01');
    const member = await a.as('member');
    expect((await member.get('/api/v1/core/exchange-rates')).body.total_count).toBe(1);
    expect((await member.get(`/api/v1/core/exchange-rates/lookup?from=EUR&to=USD&date=2025-06-01`)).status).toBe(200);
    const writes = [
      await member.post('/api/v1/core/exchange-rates', { from: 'GBP', to: 'USD', rate: '1.2', validOn: '2025-01-01' }),
      await member.patch(`/api/v1/core/exchange-rates/${made.body.id}`, { rate: '2' }),
      await member.delete(`/api/v1/core/exchange-rates/${made.body.id}`),
    ];
    for (const res of writes) {
      expect(res.status).toBe(403);
      expect(res.body.message).toContain('core.money.manage');
    }
    expect((await a.client.get(`/api/v1/core/exchange-rates/${made.body.id}`)).body.rate).toBe('1.1');
  });

  it("keeps tenants apart: B neither sees nor changes A's rates", async () => {
    const a = await company();
    const b = await company();
    const made = await rate(a, 'EUR', 'USD', '1.1', '2025-01-01');
    const id = made.body.id as string;
    expect((await b.client.get('/api/v1/core/exchange-rates')).body).toMatchObject({ total_count: 0, data: [] });
    expect((await b.client.get(`/api/v1/core/exchange-rates/${id}`)).status).toBe(404);
    expect((await b.client.patch(`/api/v1/core/exchange-rates/${id}`, { rate: '9' })).status).toBe(404);
    expect((await b.client.delete(`/api/v1/core/exchange-rates/${id}`)).status).toBe(404);
    expect((await lookup(b, 'EUR', 'USD', '2025-06-01')).status).toBe(422);
    // B may store its own rate for the same pair and day.
    expect((await rate(b, 'EUR', 'USD', '2', '2025-01-01')).status).toBe(201);
    expect((await lookup(a, 'EUR', 'USD', '2025-06-01')).body.rate).toBe('1.1');
    const q = 'query { exchangeRates { totalCount nodes { id } } }';
    expect((await b.client.graphql(q)).body.data.exchangeRates.nodes).not.toContainEqual({ id });
  });
});

describe('rate lookup: the latest on or before the date, else the inverse', () => {
  it('picks the rate in force on each day', async () => {
    const a = await company();
    await rate(a, 'EUR', 'USD', '1.10', '2025-01-01');
    await rate(a, 'EUR', 'USD', '1.20', '2025-02-01');
    await rate(a, 'EUR', 'USD', '1.30', '2025-03-01');
    expect((await lookup(a, 'EUR', 'USD', '2025-01-01')).body).toEqual({
      from: 'EUR',
      to: 'USD',
      rate: '1.1',
      validOn: '2025-01-01',
      inverse: false,
    });
    expect((await lookup(a, 'EUR', 'USD', '2025-02-28')).body.rate).toBe('1.2');
    expect((await lookup(a, 'EUR', 'USD', '2025-03-01')).body.rate).toBe('1.3');
    expect((await lookup(a, 'EUR', 'USD', '2030-01-01')).body.rate).toBe('1.3');
    const before = await lookup(a, 'EUR', 'USD', '2024-12-31');
    expect(before.status).toBe(422);
    expect(before.body.code).toBe('NO_EXCHANGE_RATE');
    expect(before.body.message).toContain('EUR to USD');
  });

  it('inverts the opposite pair when only it exists, and prefers a direct rate', async () => {
    const a = await company();
    await rate(a, 'USD', 'EUR', '0.8', '2025-01-01');
    expect((await lookup(a, 'EUR', 'USD', '2025-01-10')).body).toMatchObject({
      rate: '1.25',
      inverse: true,
      validOn: '2025-01-01',
    });
    await rate(a, 'EUR', 'USD', '1.3', '2024-06-01');
    // A direct rate (even an older one) wins over an inverse.
    expect((await lookup(a, 'EUR', 'USD', '2025-01-10')).body).toMatchObject({ rate: '1.3', inverse: false });
    expect((await lookup(a, 'USD', 'USD')).body).toMatchObject({ rate: '1', inverse: false });
    const bad = await a.client.get('/api/v1/core/exchange-rates/lookup?from=EUR&to=usd');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('to');
  });
});

describe('ctx.money (the service addons use)', () => {
  const run = <T>(t: TestTenant, fn: (m: ReturnType<typeof tenantMoney>) => Promise<T>) =>
    withTenant(env.kernel.runtime.pools.app, t.id, (tx) => fn(tenantMoney(tx)));

  it('converts at the dated rate and rounds once into the target minor units', async () => {
    const a = await company();
    await rate(a, 'USD', 'JPY', '151.237', '2025-01-01');
    await rate(a, 'USD', 'KWD', '0.30745', '2025-01-01');
    const usd = (amount: string): Money => ({ amount, currency: 'USD' });
    expect(await run(a, (m) => m.convert(usd('100.00'), 'JPY', '2025-01-02'))).toEqual({
      amount: '15124',
      currency: 'JPY',
    });
    expect(await run(a, (m) => m.convert(usd('10.00'), 'KWD', '2025-01-02'))).toEqual({
      amount: '3.075',
      currency: 'KWD',
    });
    // JPY → USD through the inverse of USD → JPY (1 / 151.237 to 12 digits).
    expect(await run(a, (m) => m.convert({ amount: '15124', currency: 'JPY' }, 'USD', '2025-01-02'))).toEqual(
      usd('100.00'),
    );
    await expect(run(a, (m) => m.convert(usd('1'), 'EUR', '2025-01-02'))).rejects.toMatchObject({
      code: 'NO_EXCHANGE_RATE',
      status: 422,
    });
    await expect(run(a, (m) => m.rate('USD', 'EUR', '2025-13-01'))).rejects.toMatchObject({ status: 400 });
  });

  it('totals per currency, and in the company currency only when every currency has a rate', async () => {
    const a = await company();
    await a.client.put('/api/v1/core/money/settings', { currency: 'EUR' });
    await rate(a, 'USD', 'EUR', '0.9', '2025-01-01');
    const list: Money[] = [
      { amount: '10.00', currency: 'USD' },
      { amount: '5.50', currency: 'EUR' },
      { amount: '0.01', currency: 'USD' },
    ];
    expect(await run(a, (m) => m.totals(list, '2025-01-05'))).toEqual({
      total: { amount: '14.51', currency: 'EUR' }, // 10.01 × 0.9 = 9.009 → 9.01, + 5.50
      byCurrency: [
        { amount: '5.50', currency: 'EUR' },
        { amount: '10.01', currency: 'USD' },
      ],
      missingRates: [],
    });
    const withYen = [...list, { amount: '100', currency: 'JPY' }];
    expect(await run(a, (m) => m.totals(withYen, '2025-01-05'))).toMatchObject({
      total: null,
      missingRates: ['JPY'],
    });
    expect(await run(a, (m) => m.totals([], '2025-01-05'))).toEqual({
      total: { amount: '0.00', currency: 'EUR' },
      byCurrency: [],
      missingRates: [],
    });
  });
});

describe('exchange rates (GraphQL)', () => {
  it('offers the same CRUD and lookup, with the same permission', async () => {
    const a = await company();
    const create = await a.client.graphql(
      `mutation($input: ExchangeRateInput!) { createExchangeRate(input: $input) { id from to rate validOn } }`,
      { input: { from: 'GBP', to: 'EUR', rate: '1.17', validOn: '2025-04-01' } },
    );
    expect(create.body.errors).toBeUndefined();
    const id = create.body.data.createExchangeRate.id as string;
    expect(create.body.data.createExchangeRate).toMatchObject({ from: 'GBP', to: 'EUR', rate: '1.17' });
    const upd = await a.client.graphql(
      `mutation($id: ID!) { updateExchangeRate(id: $id, patch: { rate: "1.18" }) { rate validOn } }`,
      { id },
    );
    expect(upd.body.data.updateExchangeRate).toEqual({ rate: '1.18', validOn: '2025-04-01' });
    const found = await a.client.graphql(
      `{ exchangeRateOn(from: "EUR", to: "GBP", date: "2025-05-01") { rate inverse } companyCurrency exchangeRates { totalCount } }`,
    );
    expect(found.body.data).toEqual({
      exchangeRateOn: { rate: '0.847457627119', inverse: true },
      companyCurrency: 'USD',
      exchangeRates: { totalCount: 1 },
    });
    const member = await a.as('member');
    const denied = await member.graphql(`mutation($id: ID!) { deleteExchangeRate(id: $id) }`, { id });
    expect(denied.body.errors?.[0]?.extensions?.code ?? denied.body.errors?.[0]?.message).toMatch(
      /FORBIDDEN|core\.money/,
    );
    const bad = await a.client.graphql(
      `mutation { createExchangeRate(input: { from: "GBP", to: "EUR", rate: "abc", validOn: "2025-04-02" }) { id } }`,
    );
    expect(JSON.stringify(bad.body.errors)).toContain('rate');
    const del = await a.client.graphql(`mutation($id: ID!) { deleteExchangeRate(id: $id) }`, { id });
    expect(del.body.data.deleteExchangeRate).toBe(true);
    const gone = await a.client.graphql(`query($id: ID!) { exchangeRate(id: $id) { id } }`, { id });
    expect(gone.body.data.exchangeRate).toBeNull();
  });
});
