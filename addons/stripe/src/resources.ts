import { defineResource } from '@elevate/sdk';
import { StripeEvent } from './models/event.model.ts';

/** The events received, for the settings page and audits: read only (the webhook writes them). */
export const stripeResources = [
  defineResource(StripeEvent, {
    operations: ['list', 'get'],
    search: ['eventId', 'reference'],
    sort: ['createdAt'],
  }),
];
