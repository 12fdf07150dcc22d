import type { JsonSchema, RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { wonThisMonth } from '../services/amounts.service.ts';

const MONEY: JsonSchema = {
  type: 'object',
  required: ['amount', 'currency'],
  properties: { amount: { type: 'string' }, currency: { type: 'string' } },
};

const WON: JsonSchema = {
  type: 'object',
  required: ['since', 'timeZone', 'count', 'byCurrency', 'total', 'companyCurrency', 'missingRates'],
  properties: {
    since: { type: 'string', format: 'date-time' },
    timeZone: { type: 'string' },
    count: { type: 'integer' },
    byCurrency: { type: 'array', items: MONEY },
    total: { anyOf: [MONEY, { type: 'null' }] },
    companyCurrency: { type: 'string' },
    missingRates: { type: 'array', items: { type: 'string' } },
  },
};

/** Dashboard figures computed in SQL over every matching row (not a page of them). */
export function summaryRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, { timeZone?: string }>(
    '/summaries/won-this-month',
    {
      permission: 'crm.opportunity.read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          timeZone: {
            type: 'string',
            minLength: 1,
            maxLength: 64,
            description: "IANA; default: the user's profile time zone, else UTC",
          },
        },
      },
      summary:
        'Won deals closed this month (in the time zone given): count, sums per currency, and the total in the company currency where rates exist',
      responses: { 200: WON },
    },
    ({ query, ctx }) => wonThisMonth(ctx, query.timeZone ?? ctx.user.timeZone ?? 'UTC'),
  );
}
