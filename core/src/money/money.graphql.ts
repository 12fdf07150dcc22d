import type { ElevateSchemaTypes, ExchangeRate } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';
import { contextDb, MONEY_MANAGE, type RateRow, rateStore } from './rates.ts';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;

/** Company currency and exchange rates in the core's GraphQL fragment (same rules as REST). */
export function moneyGraphql(b: Builder): void {
  b.objectType('Money', {
    description: 'An exact amount: a decimal string with the currency own minor units, never a float',
    fields: (t) => ({
      amount: t.field({ type: 'Decimal', resolve: (m) => m.amount }),
      currency: t.exposeString('currency', { description: 'ISO 4217 code' }),
    }),
  });
  const Rate = b.objectRef<RateRow>('ExchangeRate').implement({
    description: '1 `from` = `rate` `to`, valid from `validOn` until a later rate of the pair',
    fields: (t) => ({
      id: t.exposeID('id'),
      from: t.exposeString('from'),
      to: t.exposeString('to'),
      rate: t.field({ type: 'Decimal', resolve: (r) => r.rate }),
      validOn: t.exposeString('validOn'),
      createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (r) => r.updatedAt }),
    }),
  });
  const Found = b.objectRef<ExchangeRate>('ExchangeRateFound').implement({
    fields: (t) => ({
      from: t.exposeString('from'),
      to: t.exposeString('to'),
      rate: t.field({ type: 'Decimal', resolve: (r) => r.rate }),
      validOn: t.exposeString('validOn'),
      inverse: t.exposeBoolean('inverse', { description: 'computed from the opposite pair' }),
    }),
  });
  const Page = b.objectRef<{ rows: RateRow[]; total: number }>('ExchangeRatePage').implement({
    fields: (t) => ({
      nodes: t.field({ type: [Rate], resolve: (p) => p.rows }),
      totalCount: t.exposeInt('total'),
    }),
  });
  const RateInput = b.inputType('ExchangeRateInput', {
    fields: (t) => ({
      from: t.string({ required: true }),
      to: t.string({ required: true }),
      rate: t.string({ required: true, description: 'a decimal string, up to 12 decimals' }),
      validOn: t.string({ required: true }),
    }),
  });
  const RatePatch = b.inputType('ExchangeRatePatch', {
    fields: (t) => ({
      from: t.string(),
      to: t.string(),
      rate: t.string(),
      validOn: t.string(),
    }),
  });
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null));

  b.queryFields((t) => ({
    companyCurrency: t.string({ resolve: (_r, _a, ctx) => ctx.money.companyCurrency() }),
    exchangeRates: t.field({
      type: Page,
      args: {
        from: t.arg.string(),
        to: t.arg.string(),
        limit: t.arg.int({ defaultValue: 100 }),
        offset: t.arg.int({ defaultValue: 0 }),
      },
      resolve: (_r, a, ctx) =>
        rateStore.list(contextDb(ctx), {
          from: a.from ?? undefined,
          to: a.to ?? undefined,
          limit: Math.min(Math.max(a.limit ?? 100, 1), 500),
          offset: Math.min(Math.max(a.offset ?? 0, 0), 1_000_000),
        }),
    }),
    exchangeRate: t.field({
      type: Rate,
      nullable: true,
      args: { id: t.arg.id({ required: true }) },
      resolve: (_r, a, ctx) =>
        rateStore.get(contextDb(ctx), String(a.id)).catch((err) => {
          if ((err as { status?: number }).status === 404) return null;
          throw err;
        }),
    }),
    exchangeRateOn: t.field({
      type: Found,
      description: 'The rate in force on a date (default today); NO_EXCHANGE_RATE when none',
      args: { from: t.arg.string({ required: true }), to: t.arg.string({ required: true }), date: t.arg.string() },
      resolve: (_r, a, ctx) => ctx.money.rate(a.from, a.to, a.date ?? undefined),
    }),
  }));

  b.mutationFields((t) => ({
    setCompanyCurrency: t.string({
      args: { currency: t.arg.string({ required: true }) },
      resolve: async (_r, a, ctx) => {
        ctx.require(MONEY_MANAGE);
        return (await rateStore.setCompanyCurrency(contextDb(ctx), { currency: a.currency })).currency;
      },
    }),
    createExchangeRate: t.field({
      type: Rate,
      args: { input: t.arg({ type: RateInput, required: true }) },
      resolve: (_r, a, ctx) => {
        ctx.require(MONEY_MANAGE);
        return rateStore.create(contextDb(ctx), { ...a.input });
      },
    }),
    updateExchangeRate: t.field({
      type: Rate,
      args: { id: t.arg.id({ required: true }), patch: t.arg({ type: RatePatch, required: true }) },
      resolve: (_r, a, ctx) => {
        ctx.require(MONEY_MANAGE);
        return rateStore.update(contextDb(ctx), String(a.id), defined({ ...a.patch }));
      },
    }),
    deleteExchangeRate: t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, a, ctx) => {
        ctx.require(MONEY_MANAGE);
        await rateStore.remove(contextDb(ctx), String(a.id));
        return true;
      },
    }),
  }));
}
