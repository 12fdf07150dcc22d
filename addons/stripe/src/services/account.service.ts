import { ConflictError, type SystemContext, ValidationError } from '@elevate/sdk';
import { notConfigured } from '../errors.ts';
import { Account, type AccountRow } from '../models/account.model.ts';

export interface ConnectInput {
  secretKey: string;
  webhookSecret: string;
}

/** What an admin sees of the connection: never a secret. */
export interface ConnectionView {
  connected: boolean;
  livemode: boolean | null;
  secretKeyLast4: string | null;
  webhookSecretSet: boolean;
  connectedAt: string | null;
  /** Where to point the Stripe webhook endpoint (prefix with the platform's public address). */
  webhookPath: string;
}

export const SECRET_KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]{8,247}$/;
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/=]{8,250}$/;

const view = (ctx: SystemContext, row: AccountRow | null): ConnectionView => ({
  connected: row !== null,
  livemode: row?.livemode ?? null,
  secretKeyLast4: row?.keyLast4 ?? null,
  webhookSecretSet: row !== null,
  connectedAt: row ? new Date(row.updatedAt).toISOString() : null,
  webhookPath: `/api/v1/stripe/webhooks/${ctx.tenant.id}`,
});

async function current(ctx: SystemContext): Promise<AccountRow | null> {
  const [row] = await ctx.db.repo(Account).find({ where: { slot: 'default' }, limit: 1 });
  return row ?? null;
}

export async function connection(ctx: SystemContext): Promise<ConnectionView> {
  return view(ctx, await current(ctx));
}

/** Stores (or replaces) the key and webhook secret, sealed. */
export async function connect(ctx: SystemContext, input: ConnectInput): Promise<ConnectionView> {
  const details = [];
  if (!SECRET_KEY.test(input.secretKey)) {
    details.push({ path: 'secretKey', message: 'must be a Stripe secret key (sk_test_…, sk_live_…, rk_…)' });
  }
  if (!WEBHOOK_SECRET.test(input.webhookSecret)) {
    details.push({ path: 'webhookSecret', message: 'must be a webhook signing secret (whsec_…)' });
  }
  if (details.length) throw new ValidationError('Invalid Stripe connection', details);
  const data = {
    secretKeySealed: ctx.secrets.seal(input.secretKey),
    webhookSecretSealed: ctx.secrets.seal(input.webhookSecret),
    keyLast4: input.secretKey.slice(-4),
    livemode: input.secretKey.includes('_live_'),
  };
  const repo = ctx.db.repo(Account);
  const existing = await current(ctx);
  const row = existing ? await repo.update(existing.id, data) : await repo.insert({ slot: 'default', ...data });
  return view(ctx, row);
}

export async function disconnect(ctx: SystemContext): Promise<boolean> {
  const existing = await current(ctx);
  return existing ? ctx.db.repo(Account).delete(existing.id) : false;
}

/** The tenant's secrets, opened; NOT_CONFIGURED (409) when Stripe is not connected. */
export async function secretsOf(ctx: SystemContext): Promise<{ secretKey: string; webhookSecret: string }> {
  const row = await current(ctx);
  if (!row) throw notConfigured();
  try {
    return {
      secretKey: ctx.secrets.open(row.secretKeySealed),
      webhookSecret: ctx.secrets.open(row.webhookSecretSealed),
    };
  } catch {
    // Sealed under another platform key (JWT_SECRET rotated) or for another tenant: only a reconnect helps.
    throw new ConflictError(
      'STRIPE_RECONNECT',
      'The stored Stripe secrets cannot be read (the platform key changed): an admin reconnects Stripe',
    );
  }
}
