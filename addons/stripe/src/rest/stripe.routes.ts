import type { JsonSchema, RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { type ConnectInput, connect, connection, disconnect } from '../services/account.service.ts';
import { stripePayments } from '../services/checkout.service.ts';
import { receive } from '../services/webhook.service.ts';

const connectBody: JsonSchema = {
  type: 'object',
  required: ['secretKey', 'webhookSecret'],
  properties: {
    secretKey: { type: 'string', minLength: 1, maxLength: 255 },
    webhookSecret: { type: 'string', minLength: 1, maxLength: 255 },
  },
  additionalProperties: false,
};

const connectionSchema: JsonSchema = {
  type: 'object',
  properties: {
    connected: { type: 'boolean' },
    livemode: { type: ['boolean', 'null'] },
    secretKeyLast4: { type: ['string', 'null'] },
    webhookSecretSet: { type: 'boolean' },
    connectedAt: { type: ['string', 'null'], format: 'date-time' },
    webhookPath: { type: 'string' },
  },
};

const checkoutBody: JsonSchema = {
  type: 'object',
  required: ['reference', 'amount', 'description', 'successUrl', 'cancelUrl'],
  properties: {
    reference: { type: 'string', minLength: 1, maxLength: 200 },
    amount: {
      type: 'object',
      required: ['amount', 'currency'],
      properties: {
        amount: { type: 'string', pattern: '^\\d{1,15}(\\.\\d{1,6})?$' },
        currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      },
      additionalProperties: false,
    },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    customerEmail: { type: 'string', format: 'email', maxLength: 320 },
    successUrl: { type: 'string', minLength: 1, maxLength: 2000 },
    cancelUrl: { type: 'string', minLength: 1, maxLength: 2000 },
  },
  additionalProperties: false,
};

export function stripeRoutes(r: RestRouter<typeof permissions>): void {
  r.get(
    '/settings',
    {
      permission: 'stripe.settings.manage',
      summary: "The company's Stripe connection (never its secrets)",
      responses: { 200: connectionSchema },
    },
    ({ ctx }) => connection(ctx),
  );

  r.put<Record<string, string>, ConnectInput>(
    '/settings',
    {
      permission: 'stripe.settings.manage',
      body: connectBody,
      summary: 'Connect Stripe: secret key and webhook signing secret, stored encrypted',
      responses: { 200: connectionSchema },
    },
    ({ body, ctx }) => connect(ctx, body),
  );

  r.delete(
    '/settings',
    {
      permission: 'stripe.settings.manage',
      summary: 'Disconnect Stripe (forgets both secrets)',
      responses: { 204: null },
    },
    async ({ ctx }) => {
      await disconnect(ctx);
      return { status: 204, body: null };
    },
  );

  r.post(
    '/checkouts',
    {
      permission: 'stripe.checkout.create',
      body: checkoutBody,
      summary: 'Create a hosted Stripe Checkout page for an amount',
      responses: { 201: { type: 'object', properties: { url: { type: 'string' }, id: { type: 'string' } } } },
    },
    async ({ body, ctx }) => ({
      status: 201,
      body: await stripePayments(ctx).createCheckout(
        body as Parameters<ReturnType<typeof stripePayments>['createCheckout']>[0],
      ),
    }),
  );

  // Stripe calls this: no access token; the signature with the tenant's signing secret is the proof.
  r.public.post(
    '/webhooks/:tenant',
    {
      summary: "Stripe's webhook for a company (verified with its signing secret, each event processed once)",
      responses: {
        200: {
          type: 'object',
          properties: { received: { type: 'boolean' }, duplicate: { type: 'boolean' }, outcome: { type: 'string' } },
        },
      },
    },
    async (req) => receive(req.ctx, req.rawBody, req.headers['stripe-signature']),
  );
}
