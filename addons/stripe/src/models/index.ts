import { Account } from './account.model.ts';
import { StripeEvent } from './event.model.ts';

export const stripeModels = [Account, StripeEvent];
