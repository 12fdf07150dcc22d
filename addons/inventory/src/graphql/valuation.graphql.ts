import type { GraphQLBuilder } from '@elevate/sdk';
import type { LandedCostLineRow, LandedCostRow } from '../models/landed-cost.model.ts';
import { landedCostBody } from '../rest/landed-costs.routes.ts';
import { type Scope, seriesQuery, stockAtQuery, valuationQuery } from '../rest/valuation.routes.ts';
import { type LocationStockAt, parseAt, stockAt, type WarehouseStockAt } from '../services/history.service.ts';
import { applyLandedCost, type LandedCostInput } from '../services/landed-costs.service.ts';
import {
  type ConvertedValuation,
  type CurrencyTotal,
  type ProductValuation,
  type ValuationLine,
  valuationReport,
  valuationSeries,
  type WarehouseValuation,
} from '../services/valuation-report.service.ts';
import { checked } from './args.ts';

// Stock at a past moment and the valuation report on GraphQL: the same services and argument
// checks as REST (`at` refused naming `at`).

export function valuationGraphql(b: GraphQLBuilder) {
  const AtLocation = b.objectRef<LocationStockAt>('InventoryStockAtLocation').implement({
    fields: (t) => ({
      productId: t.exposeID('productId'),
      sku: t.exposeString('sku'),
      locationId: t.exposeID('locationId'),
      location: t.exposeString('location'),
      warehouseId: t.exposeID('warehouseId', { nullable: true }),
      onHand: t.field({ type: 'Decimal', resolve: (l) => l.onHand }),
    }),
  });
  const AtWarehouse = b.objectRef<WarehouseStockAt>('InventoryStockAtWarehouse').implement({
    fields: (t) => ({
      productId: t.exposeID('productId'),
      sku: t.exposeString('sku'),
      warehouseId: t.exposeID('warehouseId', { nullable: true }),
      warehouse: t.exposeString('warehouse', { nullable: true }),
      onHand: t.field({ type: 'Decimal', resolve: (l) => l.onHand }),
    }),
  });
  type StockAt = Awaited<ReturnType<typeof stockAt>>;
  const StockAtRef = b.objectRef<StockAt>('InventoryStockAt').implement({
    fields: (t) => ({
      at: t.exposeString('at'),
      locations: t.field({ type: [AtLocation], resolve: (s) => s.locations }),
      warehouses: t.field({ type: [AtWarehouse], resolve: (s) => s.warehouses }),
    }),
  });
  const ProductValue = b.objectRef<ProductValuation>('InventoryProductValuation').implement({
    fields: (t) => ({
      productId: t.exposeID('productId'),
      sku: t.exposeString('sku'),
      name: t.exposeString('name'),
      currency: t.exposeString('currency'),
      quantity: t.field({ type: 'Decimal', resolve: (r) => r.quantity }),
      value: t.field({ type: 'Decimal', resolve: (r) => r.value }),
    }),
  });
  const CurrencyValue = b.objectRef<CurrencyTotal>('InventoryCurrencyValue').implement({
    description: 'Stock value in one currency (values are never added across currencies)',
    fields: (t) => ({
      currency: t.exposeString('currency'),
      value: t.field({ type: 'Decimal', resolve: (r) => r.value }),
      products: t.exposeInt('products'),
    }),
  });
  const WarehouseValue = b.objectRef<WarehouseValuation>('InventoryWarehouseValuation').implement({
    fields: (t) => ({
      warehouseId: t.exposeID('warehouseId', { nullable: true }),
      code: t.exposeString('code', { nullable: true }),
      name: t.exposeString('name', { nullable: true }),
      currency: t.exposeString('currency'),
      value: t.field({ type: 'Decimal', resolve: (r) => r.value }),
    }),
  });
  const Line = b.objectRef<ValuationLine>('InventoryValuationLine').implement({
    fields: (t) => ({
      productId: t.exposeID('productId'),
      sku: t.exposeString('sku'),
      currency: t.exposeString('currency'),
      warehouseId: t.exposeID('warehouseId', { nullable: true }),
      code: t.exposeString('code', { nullable: true }),
      quantity: t.field({ type: 'Decimal', resolve: (r) => r.quantity }),
      value: t.field({ type: 'Decimal', resolve: (r) => r.value }),
    }),
  });
  const RateUsed = b.objectRef<ConvertedValuation['rates'][number]>('InventoryValuationRate').implement({
    fields: (t) => ({
      currency: t.exposeString('currency'),
      rate: t.field({ type: 'Decimal', resolve: (r) => r.rate }),
      validOn: t.exposeString('validOn'),
    }),
  });
  const Converted = b.objectRef<ConvertedValuation>('InventoryValuationConverted').implement({
    description: "The report's total in the company currency at the dated rates of its day",
    fields: (t) => ({
      currency: t.exposeString('currency'),
      date: t.exposeString('date'),
      total: t.field({
        type: 'Decimal',
        nullable: true,
        description: 'Null when a currency has no rate to the company currency (see missingRates)',
        resolve: (r) => r.total,
      }),
      rates: t.field({ type: [RateUsed], resolve: (r) => r.rates }),
      missingRates: t.exposeStringList('missingRates'),
    }),
  });
  type Report = Awaited<ReturnType<typeof valuationReport>>;
  const ReportRef = b.objectRef<Report>('InventoryValuation').implement({
    fields: (t) => ({
      at: t.exposeString('at', { nullable: true }),
      total: t.field({
        type: 'Decimal',
        nullable: true,
        description: 'The sum when every product is valued in one currency; null when several (see totals)',
        resolve: (r) => r.total,
      }),
      totals: t.field({ type: [CurrencyValue], resolve: (r) => r.totals }),
      converted: t.field({ type: Converted, resolve: (r) => r.converted }),
      data: t.field({ type: [ProductValue], resolve: (r) => r.data }),
      warehouses: t.field({ type: [WarehouseValue], resolve: (r) => r.warehouses }),
      lines: t.field({ type: [Line], resolve: (r) => r.lines }),
    }),
  });
  const Point = b.objectRef<{ date: string; value: string }>('InventoryValuationPoint').implement({
    fields: (t) => ({
      date: t.exposeString('date'),
      value: t.field({ type: 'Decimal', resolve: (r) => r.value }),
    }),
  });

  b.queryField('inventoryStockAt', (t) =>
    t.field({
      type: StockAtRef,
      description: 'On hand per product per location and per warehouse at a past moment (ISO date or date-time)',
      args: { at: t.arg.string(), productId: t.arg.id(), locationId: t.arg.id(), warehouseId: t.arg.id() },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        const q = checked<Scope>(stockAtQuery, a);
        return stockAt(ctx, { ...q, before: parseAt(q.at) });
      },
    }),
  );
  b.queryField('inventoryValuation', (t) =>
    t.field({
      type: ReportRef,
      description: 'Stock valuation per product and per warehouse, now or at a past moment',
      args: { at: t.arg.string(), productId: t.arg.id(), warehouseId: t.arg.id() },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        const q = checked<Scope>(valuationQuery, a);
        return valuationReport(ctx, {
          before: parseAt(q.at),
          ...(q.productId ? { productId: q.productId } : {}),
          ...(q.warehouseId ? { warehouseId: q.warehouseId } : {}),
        });
      },
    }),
  );
  b.queryField('inventoryValuationSeries', (t) =>
    t.field({
      type: [Point],
      description:
        'The stock value in one currency (default: the company’s, else the first with stock) at the end of each of the last `days` days (UTC), 1 to 366; of one warehouse with `warehouseId`',
      args: { days: t.arg.int(), currency: t.arg.string(), warehouseId: t.arg.id() },
      resolve: async (_r, a, ctx) => {
        ctx.require('inventory.move.read');
        const q = checked<{ days?: number; currency?: string; warehouseId?: string }>(seriesQuery, {
          ...(a.days != null ? { days: a.days } : {}),
          ...(a.currency != null ? { currency: a.currency } : {}),
          ...(a.warehouseId != null ? { warehouseId: String(a.warehouseId) } : {}),
        });
        return (await valuationSeries(ctx, q.days ?? 30, q.currency, q.warehouseId)).data;
      },
    }),
  );

  const LandedLine = b.objectRef<LandedCostLineRow>('InventoryLandedCostLine').implement({
    fields: (t) => ({
      moveId: t.exposeID('move'),
      productId: t.exposeID('product'),
      layerId: t.exposeID('layer'),
      amount: t.field({ type: 'Decimal', resolve: (l) => l.amount }),
      stockValue: t.field({ type: 'Decimal', resolve: (l) => l.stockValue }),
      deliveredValue: t.field({ type: 'Decimal', resolve: (l) => l.deliveredValue }),
    }),
  });
  const Landed = b.objectRef<LandedCostRow & { lines: LandedCostLineRow[] }>('InventoryLandedCost').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      operationId: t.exposeID('operation'),
      description: t.exposeString('description', { nullable: true }),
      split: t.exposeString('split'),
      amount: t.field({ type: 'Decimal', resolve: (l) => l.amount }),
      stockValue: t.field({ type: 'Decimal', resolve: (l) => l.stockValue }),
      deliveredValue: t.field({ type: 'Decimal', resolve: (l) => l.deliveredValue }),
      doneAt: t.exposeString('doneAt'),
      lines: t.field({ type: [LandedLine], resolve: (l) => l.lines }),
    }),
  });
  const LineInput = b.inputType('InventoryLandedCostLineInput', {
    fields: (t) => ({ moveId: t.id({ required: true }), amount: t.string({ required: true }) }),
  });
  b.mutationField('inventoryApplyLandedCost', (t) =>
    t.field({
      type: Landed,
      description: 'Add a landed cost to a done receipt (split by quantity, value or per line)',
      args: {
        operationId: t.arg.id({ required: true }),
        amount: t.arg.string({ required: true }),
        split: t.arg.string(),
        description: t.arg.string(),
        lines: t.arg({ type: [LineInput] }),
      },
      resolve: (_r, a, ctx) => {
        ctx.require('inventory.valuation.write');
        return applyLandedCost(ctx, checked<LandedCostInput>(landedCostBody, a));
      },
    }),
  );
}
