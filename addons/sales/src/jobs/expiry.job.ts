import { defineJob, defineSchedule } from '@elevate/sdk';
import { expireQuotes } from '../services/expiry.service.ts';

/** Every day at 00:10 UTC, for each company with sales: sent quotes past their validity expire. */
export const expirySchedule = defineSchedule({
  name: 'sales.quotes-expire',
  title: 'Expire quotes past their validity date',
  cron: '10 0 * * *',
  run: (ctx) => expireQuotes(ctx),
});

/** The same on demand (`POST /quotes/mark-expired`). */
export const expiryJob = defineJob<Record<string, never>, { expired: number }>({
  name: 'sales.expire-quotes',
  attempts: 3,
  run: (_data, ctx) => expireQuotes(ctx),
});
