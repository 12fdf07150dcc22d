import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crm } from '../src/index.ts';

// The lead-scoring settings screen's preview: what a proposed rule set would score the leads,
// without saving anything.
let env: TestEnv;
let t: TestTenant;
let other: TestTenant;
const C = '/api/v1/crm';

beforeAll(async () => {
  env = await bootTestKernel({ addons: [crm], workers: false });
  t = await env.tenant('score-preview', { enable: ['crm'] });
  other = await env.tenant('score-preview-other', { enable: ['crm'] });
});
afterAll(() => env?.close());

describe('scoring preview', () => {
  it('scores the leads with the proposed rules beside their stored score, saving nothing', async () => {
    await t.client.post(`${C}/scoring-rules`, { field: 'source', operator: 'equals', value: 'event', points: 10 });
    const fair = (await t.client.post(`${C}/leads`, { title: 'Fair lead', source: 'event', value: '5000' })).body;
    const web = (await t.client.post(`${C}/leads`, { title: 'Web lead', source: 'web' })).body;
    await other.client.post(`${C}/leads`, { title: 'Other tenant lead', source: 'event' });
    expect(fair.score).toBe(10);

    const res = await t.client.post(`${C}/scoring-rules/preview`, {
      rules: [
        { field: 'source', operator: 'equals', value: 'event', points: 10 },
        { field: 'value', operator: 'greater_than', value: '1000', points: 25 },
        { field: 'source', operator: 'equals', value: 'web', points: 3, active: false },
      ],
    });
    expect(res.status).toBe(200);
    const byTitle = Object.fromEntries(
      res.body.leads.map((l: { title: string; score: number; preview: number }) => [l.title, [l.score, l.preview]]),
    );
    expect(byTitle).toEqual({ 'Fair lead': [10, 35], 'Web lead': [0, 0] });
    expect(res.body.changed).toBe(1);
    expect((await t.client.get(`${C}/leads/${fair.id}`)).body.score).toBe(10);
    expect((await t.client.get(`${C}/leads/${web.id}`)).body.score).toBe(0);
    expect((await t.client.get(`${C}/scoring-rules`)).body.data).toHaveLength(1);
  });

  it('a bad rule is 400 naming its index and field; members may not preview', async () => {
    const bad = await t.client.post(`${C}/scoring-rules/preview`, {
      rules: [
        { field: 'source', operator: 'equals', value: 'event', points: 1 },
        { field: 'value', operator: 'greater_than', value: 'lots', points: 1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('rules.1.value');
    const member = await t.as('member', 'm@score-preview.test');
    expect((await member.post(`${C}/scoring-rules/preview`, { rules: [] })).status).toBe(403);
  });
});
