import { defineAddon, PaymentSucceeded, Payments, provide } from '@elevate/sdk';
import { migrations } from '../migrations/index.ts';
import { messages } from './messages.ts';
import { stripeModels } from './models/index.ts';
import { permissions } from './permissions.ts';
import { stripeResources } from './resources.ts';
import { stripeRoutes } from './rest/stripe.routes.ts';
import { stripePayments } from './services/checkout.service.ts';

export const stripe = defineAddon({
  id: 'stripe',
  version: '0.1.0',
  title: 'Stripe',
  description:
    'Take card and wallet payments through Stripe Checkout: connect your Stripe account, send customers to a hosted payment page, and get paid invoices marked automatically from verified webhooks.',
  category: 'Payments',
  messages,
  icon: 'cart',
  platform: '^1.0.0',
  models: stripeModels,
  migrations,
  permissions,
  events: [PaymentSucceeded],
  resources: stripeResources,
  provides: [provide(Payments, stripePayments)],
  rest: stripeRoutes,
});

export { Account } from './models/account.model.ts';
export { StripeEvent } from './models/event.model.ts';
