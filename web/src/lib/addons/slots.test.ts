import type { Api, SlotFill, WebContribution } from '@elevate/sdk/web';
import { describe, expect, it } from 'vitest';
import { loadSlot, visibleFills } from './slots.ts';

// Slots as the web build sees them: contributions of three addons, one of which (billing) fills two
// slots of crm's, one with a permission and one without; a third addon fills nothing of these.
const Panel = () => null;
const calls: unknown[] = [];
const filler = (slot: string, key: string, opts: Partial<SlotFill> & { fails?: boolean } = {}): SlotFill => ({
  slot,
  key,
  ...(opts.permission ? { permission: opts.permission } : {}),
  ...(opts.order !== undefined ? { order: opts.order } : {}),
  component: async () => ({
    default: Panel as never,
    load: async (args: { props: unknown; params: Record<string, string> }) => {
      calls.push({ key, props: args.props, params: args.params });
      if (opts.fails) throw new Error('boom');
      return { key, from: args.props };
    },
  }),
});
const contributions: { id: string; web: WebContribution }[] = [
  { id: 'crm', web: {} },
  {
    id: 'billing',
    web: {
      slots: [
        filler('crm.contact.panels', 'invoices', { permission: 'billing.invoice.read', order: 20 }),
        filler('crm.contact.panels', 'summary', { order: 10 }),
        filler('crm.opportunity.actions', 'quote', { permission: 'billing.quote.write' }),
      ],
    },
  },
  { id: 'loyalty', web: { slots: [filler('crm.contact.panels', 'points', { fails: true })] } },
];
const keys = (enabled: string[], permissions: string[], slot = 'crm.contact.panels') =>
  visibleFills(contributions, slot, { enabledAddons: enabled, permissions }).map((f) => `${f.addon}:${f.fill.key}`);

describe('page slots', () => {
  it('shows only fills of enabled addons', () => {
    expect(keys(['crm'], ['*'])).toEqual([]);
    expect(keys(['crm', 'billing'], ['*'])).toEqual(['billing:summary', 'billing:invoices']);
    expect(keys(['crm', 'billing', 'loyalty'], ['*'])).toEqual([
      'billing:summary',
      'billing:invoices',
      'loyalty:points',
    ]);
  });

  it('shows a fill with a permission only to users who hold it (and only with its addon enabled)', () => {
    expect(keys(['crm', 'billing'], ['crm.*'])).toEqual(['billing:summary']);
    expect(keys(['crm', 'billing'], ['billing.invoice.read@own'])).toEqual(['billing:summary', 'billing:invoices']);
    expect(keys(['crm', 'billing'], ['billing.invoice.read'], 'crm.opportunity.actions')).toEqual([]);
    expect(keys(['crm', 'billing'], ['billing.quote.write'], 'crm.opportunity.actions')).toEqual(['billing:quote']);
    // Granted, but the addon is not enabled: nothing.
    expect(keys(['crm'], ['billing.quote.write'], 'crm.opportunity.actions')).toEqual([]);
  });

  it('loads each visible fill with the owner’s props; a failing load marks only that fill', async () => {
    calls.length = 0;
    const viewer = { enabledAddons: ['crm', 'billing', 'loyalty'], permissions: ['crm.*'] };
    const args = { api: {} as Api, params: { id: 'c1' }, url: new URL('http://x/'), can: () => true };
    const fills = await loadSlot(
      contributions,
      viewer,
      { kind: 'slot', name: 'crm.contact.panels' },
      { contactId: 'c1' },
      args,
    );
    expect(fills.map((f) => [f.key, f.failed, f.data])).toEqual([
      ['billing:summary', false, { key: 'summary', from: { contactId: 'c1' } }],
      ['loyalty:points', true, null],
    ]);
    expect(fills[0]?.props).toEqual({ contactId: 'c1' });
    // The invoices fill (no permission) was never loaded.
    expect(calls.map((c) => (c as { key: string }).key).sort()).toEqual(['points', 'summary']);
    expect(calls[0]).toMatchObject({ params: { id: 'c1' } });
  });
});
