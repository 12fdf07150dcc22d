import { definePermissions } from '@elevate/sdk';

// Connecting Stripe is an admin's job; a manager may send a customer to a payment page.
export const permissions = definePermissions({
  'stripe.settings.manage': { title: 'Connect and disconnect Stripe', grant: ['admin'] },
  'stripe.event.read': { title: 'See the Stripe events received', grant: ['admin'] },
  'stripe.checkout.create': { title: 'Create Stripe payment pages', grant: ['admin', 'manager'] },
});
