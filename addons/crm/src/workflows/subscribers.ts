import type { SubscriberDef } from '@elevate/sdk';

/** The crm's own event subscribers (each area appends its own). */
// biome-ignore lint/suspicious/noExplicitAny: subscribers of differently-typed events
export const crmSubscribers: SubscriberDef<any>[] = [];
