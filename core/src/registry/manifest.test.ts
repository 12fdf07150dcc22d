import { defineAddon, defineEvent, PaymentSucceeded, Payments, provide } from '@elevate/sdk';
import { describe, expect, it } from 'vitest';
import { checkManifest } from './manifest.ts';

const base = { version: '1.0.0', title: 'T', description: 'D', category: 'C', platform: '^1.0.0' };
const provider = { provider: 'pay', createCheckout: async () => ({ url: 'https://x', id: 'x' }) };

describe('manifest: events', () => {
  it("refuses an event outside the addon's prefix", () => {
    const a = defineAddon({ ...base, id: 'pay', events: [defineEvent('other.thing.happened')] });
    expect(() => checkManifest(a)).toThrow(/event "other.thing.happened" must start with "pay\."/);
  });

  it('lets a provider declare the events of the contract it provides, and only those', () => {
    const ok = defineAddon({
      ...base,
      id: 'pay',
      events: [PaymentSucceeded],
      provides: [provide(Payments, () => provider)],
    });
    expect(() => checkManifest(ok)).not.toThrow();
    const notProvider = defineAddon({ ...base, id: 'pay', events: [PaymentSucceeded] });
    expect(() => checkManifest(notProvider)).toThrow(/payments.payment.succeeded/);
  });
});
