import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

// sales' triggers and actions run by the real automation engine (docs/automation.md).

const WAIT = { timeout: 30_000, interval: 100 };
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], env: { PUBLIC_URL: 'https://erp.example.test' } });
  acme = await env.tenant('wf-sales', { enable: ['sales'] });
});
afterAll(() => env?.close());

const rule = (trigger: string, actions: unknown[]) =>
  ok(
    acme.client.post('/api/v1/core/automation/rules', {
      name: `On ${trigger}`,
      trigger: { type: 'event', event: trigger },
      actions,
    }),
    201,
  );
const runsOf = async (ruleId: string) =>
  (await acme.client.get(`/api/v1/core/automation/runs?rule=${ruleId}&limit=50`)).body.data as {
    id: string;
    status: string;
    error: string | null;
  }[];
const finished = (ruleId: string, n: number) =>
  vi.waitFor(async () => {
    const runs = (await runsOf(ruleId)).filter((r) => ['succeeded', 'failed', 'stopped'].includes(r.status));
    expect(runs).toHaveLength(n);
    return runs;
  }, WAIT);

describe('sales automation', () => {
  it('offers its triggers and actions in the catalog', async () => {
    const cat = await ok<{ triggers: { name: string; model: string | null }[]; actions: { name: string }[] }>(
      acme.client.get('/api/v1/core/automation/catalog'),
    );
    expect(cat.triggers.filter((t) => t.name.startsWith('sales.')).map((t) => [t.name, t.model])).toEqual(
      expect.arrayContaining([
        ['sales.quote.accepted', 'sales.quote'],
        ['sales.order.confirmed', 'sales.order'],
        ['sales.invoice.paid', 'sales.invoice'],
        ['sales.invoice.overdue', 'sales.invoice'],
      ]),
    );
    expect(cat.actions.map((a) => a.name)).toEqual(
      expect.arrayContaining(['sales.create_order', 'sales.send_invoice']),
    );
  });

  it('order confirmed → send the invoice: invoiced, posted, its PDF attached with a link', async () => {
    const r = await rule('sales.order.confirmed', [
      { id: 'send', action: 'sales.send_invoice', params: { linkDays: 3 } },
    ]);
    const c = await contact(acme.client);
    const o = await ok(
      acme.client.post(`${API}/orders`, { contactId: c.id, lines: [{ description: 'Service', unitPrice: '250' }] }),
      201,
    );
    await ok(acme.client.post(`${API}/orders/${o.id}/confirm`));
    const [run] = await finished(r.id, 1);
    expect(run?.status, run?.error ?? '').toBe('succeeded');
    const view = await ok<{ invoices: { id: string; state: string; number: string; amountTotal: string }[] }>(
      acme.client.get(`${API}/orders/${o.id}`),
    );
    expect(view.invoices).toMatchObject([{ state: 'posted', amountTotal: '250.0000' }]);
    const docs = await ok<{ data: { number: string; link: { url: string } }[] }>(
      acme.client.get(`${API}/invoices/${view.invoices[0]?.id}/documents`),
    );
    expect(docs.data.map((d) => d.number)).toEqual([view.invoices[0]?.number]);
  });

  it('opportunity won → create a sales order, once per opportunity', async () => {
    const r = await rule('crm.opportunity.won', [{ id: 'order', action: 'sales.create_order', params: {} }]);
    const c = await contact(acme.client);
    const opp = await ok(
      acme.client.post('/api/v1/crm/opportunities', { title: 'Fleet renewal', contactId: c.id, value: '1200.50' }),
      201,
    );
    await ok(acme.client.post(`/api/v1/crm/opportunities/${opp.id}/win`));
    await finished(r.id, 1);
    await ok(acme.client.post(`/api/v1/crm/opportunities/${opp.id}/reopen`, {}));
    await ok(acme.client.post(`/api/v1/crm/opportunities/${opp.id}/win`));
    const runs = await finished(r.id, 2);
    expect(runs.map((x) => x.status)).toEqual(['succeeded', 'succeeded']);
    const orders = await ok<{ data: { opportunity: string; amountTotal: string; state: string }[] }>(
      acme.client.get(`${API}/orders?opportunity=${opp.id}`),
    );
    expect(orders.data).toMatchObject([{ opportunity: opp.id, amountTotal: '1200.5000', state: 'draft' }]);
  });
});
