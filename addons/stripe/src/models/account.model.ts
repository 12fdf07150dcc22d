import { defineModel, f, type Row } from '@elevate/sdk';

/**
 * The tenant's connection to its Stripe account: one row (`slot` is always `default`). Both
 * secrets are sealed with `ctx.secrets` (AES-256-GCM, tenant-bound); the API shows only the last
 * four characters of the key and whether a webhook secret is set.
 */
export const Account = defineModel({
  name: 'stripe.account',
  fields: {
    slot: f.string({ max: 16, required: true, unique: true, default: 'default' }),
    /** `sk_…` or `rk_…` (a restricted key), sealed. */
    secretKeySealed: f.text({ required: true }),
    /** `whsec_…`, sealed. */
    webhookSecretSealed: f.text({ required: true }),
    keyLast4: f.string({ max: 4, required: true }),
    /** From the key's prefix: `sk_test_` → test. */
    livemode: f.boolean({ required: true, default: false }),
  },
});

export type AccountRow = Row<typeof Account>;
