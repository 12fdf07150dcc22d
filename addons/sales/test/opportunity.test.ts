import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sales } from '../src/index.ts';
import { API, contact, ok } from './helpers.ts';

const CRM = '/api/v1/crm';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm, inventory, sales], workers: false });
  acme = await env.tenant('opp-acme', { enable: ['sales'] });
});
afterAll(() => env?.close());

interface Opp {
  id: string;
  status: string;
  stage: string;
  closedAt: string | null;
}

async function sentQuoteFor(opportunityId: string, contactId: string) {
  const q = await ok(
    acme.client.post(`${API}/quotes`, {
      contactId,
      opportunityId,
      lines: [{ description: 'Work', unitPrice: '100' }],
    }),
    201,
  );
  await ok(acme.client.post(`${API}/quotes/${q.id}/send`));
  return q;
}

const accept = (id: string) =>
  ok(acme.client.post(`${API}/quotes/${id}/accept`, { name: 'Ada Customer', signature: 'Ada' }), 201);
const stageKind = async (stageId: string) =>
  (await env.sql<{ kind: string }>('select kind from crm_stage where id = $1', [stageId]))[0]?.kind;
const wonEvents = async (id: string) =>
  (
    await env.sql<{ n: number }>(
      `select count(*)::int as n from core_outbox where tenant_id = $1 and name = 'crm.opportunity.won' and aggregate_id = $2`,
      [acme.id, id],
    )
  )[0]?.n;

describe('a won quote wins its crm opportunity', () => {
  it('accepting the quote moves the opportunity to the won stage and publishes crm.opportunity.won once', async () => {
    const c = await contact(acme.client);
    const opp = await ok<Opp>(acme.client.post(`${CRM}/opportunities`, { title: 'Big deal', contactId: c.id }), 201);
    expect(opp.status).toBe('open');
    const first = await sentQuoteFor(opp.id, c.id);
    const second = await sentQuoteFor(opp.id, c.id);
    await accept(first.id);
    const won = await ok<Opp>(acme.client.get(`${CRM}/opportunities/${opp.id}`));
    expect(won.status).toBe('won');
    expect(won.closedAt).not.toBeNull();
    expect(await stageKind(won.stage)).toBe('won');
    // A second won quote of the same opportunity changes nothing more.
    await accept(second.id);
    expect(await wonEvents(opp.id)).toBe(1);
  });

  it('a lost opportunity stays lost', async () => {
    const c = await contact(acme.client);
    const opp = await ok<Opp>(acme.client.post(`${CRM}/opportunities`, { title: 'Gone', contactId: c.id }), 201);
    const q = await sentQuoteFor(opp.id, c.id);
    await ok(acme.client.post(`${CRM}/opportunities/${opp.id}/lose`, { reason: 'Price' }));
    await accept(q.id);
    expect((await ok<Opp>(acme.client.get(`${CRM}/opportunities/${opp.id}`))).status).toBe('lost');
    expect(await wonEvents(opp.id)).toBe(0);
  });
});
