import { type ApiClient, bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// Money in the crm: "Won this month" summed in SQL per currency over every matching row (and
// converted with the company's dated rates), board totals per currency, amounts refused when the
// currency cannot hold them.

const api = '/api/v1/crm';
let env: TestEnv;
let seq = 0;
const company = (): Promise<TestTenant> => env.tenant(`crm-money-${++seq}`, { enable: ['crm'] });

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
});
afterAll(() => env?.close());

interface Stage {
  id: string;
  name: string;
}
async function pipeline(c: ApiClient): Promise<{ id: string; stages: Stage[] }> {
  const res = await c.get(`${api}/pipelines`);
  return res.body.data.find((p: { isDefault: boolean }) => p.isDefault);
}
async function won(c: ApiClient, value: string | null, currency: string) {
  const o = await c.post(`${api}/opportunities`, { title: `${value} ${currency}`, value, currency });
  expect(o.status, JSON.stringify(o.body)).toBe(201);
  expect((await c.post(`${api}/opportunities/${o.body.id}/win`)).status).toBe(200);
  return o.body.id as string;
}
const summary = (c: ApiClient, tz?: string) =>
  c.get(`${api}/summaries/won-this-month${tz ? `?timeZone=${encodeURIComponent(tz)}` : ''}`);

/** The wall-clock day and time of an instant in a time zone, e.g. "01 00:00". */
const localDayTime = (iso: string, timeZone: string) => {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value;
  return `${get('day')} ${get('hour')}:${get('minute')}`;
};

describe('Won this month', () => {
  it('sums per currency exactly and never adds currencies together without a rate', async () => {
    const t = await company();
    await won(t.client, '0.10', 'USD');
    await won(t.client, '0.20', 'USD');
    await won(t.client, '1000.05', 'EUR');
    await won(t.client, '1500', 'JPY');
    await won(t.client, null, 'USD');
    const res = await summary(t.client);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      count: 5,
      byCurrency: [
        { amount: '1000.05', currency: 'EUR' },
        { amount: '1500', currency: 'JPY' },
        { amount: '0.30', currency: 'USD' },
      ],
      total: null,
      companyCurrency: 'USD',
      missingRates: ['EUR', 'JPY'],
      timeZone: 'UTC',
    });
    expect(localDayTime(res.body.since, 'UTC')).toBe('01 00:00');
  });

  it('converts into the company currency with the dated rates when every currency has one', async () => {
    const t = await company();
    await won(t.client, '100.00', 'USD');
    await won(t.client, '15124', 'JPY');
    await t.client.put('/api/v1/core/money/settings', { currency: 'EUR' });
    const today = new Date().toISOString().slice(0, 10);
    await t.client.post('/api/v1/core/exchange-rates', { from: 'USD', to: 'EUR', rate: '0.9', validOn: today });
    // Only EUR → JPY is stored: JPY → EUR uses its inverse (1/160).
    await t.client.post('/api/v1/core/exchange-rates', { from: 'EUR', to: 'JPY', rate: '160', validOn: '2020-01-01' });
    const res = await summary(t.client);
    expect(res.body).toMatchObject({
      count: 2,
      byCurrency: [
        { amount: '15124', currency: 'JPY' },
        { amount: '100.00', currency: 'USD' },
      ],
      // 100 × 0.9 = 90.00; 15124 / 160 = 94.525 → 94.53 (half-up); 184.53.
      total: { amount: '184.53', currency: 'EUR' },
      companyCurrency: 'EUR',
      missingRates: [],
    });
  });

  it('counts every matching row, not a page of them', async () => {
    const t = await company();
    const p = await pipeline(t.client);
    const wonStage = p.stages.find((s) => s.name === 'Won') as Stage;
    await env.sql(
      `insert into crm_opportunity (tenant_id, title, pipeline_id, stage_id, value, currency, status, closed_at)
       select $1, 'Bulk ' || g, $2, $3, 0.01, 'USD', 'won', now() from generate_series(1, 450) g`,
      [t.id, p.id, wonStage.id],
    );
    // Last month's and open deals stay out.
    await env.sql(
      `insert into crm_opportunity (tenant_id, title, pipeline_id, stage_id, value, currency, status, closed_at)
       values ($1, 'Old', $2, $3, 99, 'USD', 'won', now() - interval '40 days'),
              ($1, 'Open', $2, $3, 99, 'USD', 'open', null)`,
      [t.id, p.id, wonStage.id],
    );
    const res = await summary(t.client);
    expect(res.body).toMatchObject({ count: 450, byCurrency: [{ amount: '4.50', currency: 'USD' }] });
    expect(res.body.total).toEqual({ amount: '4.50', currency: 'USD' });
  });

  it('starts the month at midnight of the time zone asked for (UTC−8 and UTC+5:30)', async () => {
    const t = await company();
    const id = await won(t.client, '10.00', 'USD');
    const la = (await summary(t.client, 'America/Los_Angeles')).body;
    const kolkata = (await summary(t.client, 'Asia/Kolkata')).body;
    expect(localDayTime(la.since, 'America/Los_Angeles')).toBe('01 00:00');
    expect(localDayTime(kolkata.since, 'Asia/Kolkata')).toBe('01 00:00');
    // Close the deal one minute after the month began in Kolkata: that is still the previous
    // month in Los Angeles (13½ hours behind) unless LA's month began even earlier.
    const closedAt = new Date(Date.parse(kolkata.since) + 60_000).toISOString();
    await env.sql('update crm_opportunity set closed_at = $3 where tenant_id = $1 and id = $2', [t.id, id, closedAt]);
    expect((await summary(t.client, 'Asia/Kolkata')).body.count).toBe(1);
    const inLa = Date.parse(closedAt) >= Date.parse(la.since) ? 1 : 0;
    expect((await summary(t.client, 'America/Los_Angeles')).body.count).toBe(inLa);
    // Without a time zone: the user's profile one.
    await t.client.put('/api/v1/core/account/preferences', { timeZone: 'Asia/Kolkata' });
    expect((await summary(t.client)).body).toMatchObject({ timeZone: 'Asia/Kolkata', since: kolkata.since });
    const bad = await summary(t.client, 'Mars/Olympus');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('timeZone');
  });

  it('follows record rules and keeps tenants apart', async () => {
    const a = await company();
    const b = await company();
    await won(a.client, '5.00', 'USD');
    expect((await summary(b.client)).body).toMatchObject({ count: 0, byCurrency: [], total: { amount: '0.00' } });
    // A member (crm.opportunity.read@own) counts only their own deals.
    const member = await a.as('member');
    await won(member, '1.25', 'USD');
    expect((await summary(member)).body).toMatchObject({
      count: 1,
      byCurrency: [{ amount: '1.25', currency: 'USD' }],
    });
    expect((await summary(a.client)).body.byCurrency).toEqual([{ amount: '6.25', currency: 'USD' }]);
    const none = await env.tenant(`crm-money-off-${++seq}`);
    expect((await summary(none.client)).status).toBe(404);
  });

  it('is in GraphQL too', async () => {
    const t = await company();
    await won(t.client, '2.50', 'EUR');
    const res = await t.client.graphql(
      `query { wonThisMonth(timeZone: "Asia/Kolkata") { count timeZone byCurrency { amount currency } total { amount } missingRates } }`,
    );
    expect(res.body.data.wonThisMonth).toEqual({
      count: 1,
      timeZone: 'Asia/Kolkata',
      byCurrency: [{ amount: '2.50', currency: 'EUR' }],
      total: null,
      missingRates: ['EUR'],
    });
  });
});

describe('board totals per currency', () => {
  it('sums each column per currency, exactly, in a bounded number of statements', async () => {
    const t = await company();
    const p = await pipeline(t.client);
    for (const [value, currency] of [
      ['0.10', 'USD'],
      ['0.20', 'USD'],
      ['7', 'EUR'],
      ['300', 'JPY'],
      [null, 'USD'],
    ] as const) {
      expect((await t.client.post(`${api}/opportunities`, { title: 'x', value, currency })).status).toBe(201);
    }
    const res = await t.client.get(`${api}/pipelines/${p.id}/board?limit=1`);
    const first = res.body.stages[0];
    expect(first.count).toBe(5);
    expect(first.opportunities).toHaveLength(1);
    expect(first.totals).toEqual([
      { amount: '7.00', currency: 'EUR' },
      { amount: '300', currency: 'JPY' },
      { amount: '0.30', currency: 'USD' },
    ]);
    expect(res.body.stages[1]).toMatchObject({ count: 0, totals: [] });
    expect(Number(res.headers.get('x-db-statements'))).toBeLessThanOrEqual(4);
    const gql = await t.client.graphql(
      `query($id: ID!) { board(pipelineId: $id) { stages { totals { amount currency } } } }`,
      {
        id: p.id,
      },
    );
    expect(gql.body.data.board.stages[0].totals).toEqual(first.totals);
  });
});

describe('amounts the currency cannot hold', () => {
  it('refuses decimals a currency does not have and codes that are no currency, naming the field', async () => {
    const t = await company();
    for (const [body, field] of [
      [{ title: 'Yen', value: '10.50', currency: 'JPY' }, 'value'],
      [{ title: 'Nope', value: '10', currency: 'XYZ' }, 'currency'],
    ] as const) {
      const res = await t.client.post(`${api}/opportunities`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.details[0].path).toBe(field);
    }
    const ok = await t.client.post(`${api}/opportunities`, { title: 'Dollars', value: '10.50', currency: 'USD' });
    expect(ok.status).toBe(201);
    // Switching the currency to one that cannot hold the stored value is refused too.
    const sw = await t.client.patch(`${api}/opportunities/${ok.body.id}`, { currency: 'JPY' });
    expect(sw.status).toBe(400);
    expect(sw.body.details[0].path).toBe('value');
    expect((await t.client.patch(`${api}/opportunities/${ok.body.id}`, { value: '11', currency: 'JPY' })).status).toBe(
      200,
    );
    const lead = await t.client.post(`${api}/leads`, { title: 'Lead', value: '1.5', currency: 'JPY' });
    expect(lead.status).toBe(400);
    expect(lead.body.details[0].path).toBe('value');
  });
});
