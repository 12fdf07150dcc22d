import { defineJob, defineSchedule } from '@elevate/sdk';
import { markOverdue } from '../services/payments.service.ts';

/** Every day at 00:15 UTC, for each company with sales: invoices past a due part become overdue. */
export const overdueSchedule = defineSchedule({
  name: 'sales.invoices-overdue',
  title: 'Mark invoices past their due date as overdue',
  cron: '15 0 * * *',
  run: (ctx) => markOverdue(ctx),
});

/** The same check on demand (`POST /invoices/mark-overdue`: "run now"). */
export const overdueJob = defineJob<Record<string, never>, { marked: number }>({
  name: 'sales.mark-overdue',
  attempts: 3,
  run: (_data, ctx) => markOverdue(ctx),
});
