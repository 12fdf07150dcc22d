import type { GraphQLBuilder, RequestContext } from '@elevate/sdk';
import type { ImportRowError } from '../models/import.model.ts';
import { ProductImport } from '../models/import.model.ts';
import { type ImportView, view } from '../rest/import.routes.ts';
import { createImport } from '../services/import.service.ts';
import { importJob } from '../workflows/import.job.ts';
import { checked, idOf } from './args.ts';

// CSV imports of products and initial stock on GraphQL: start one (the CSV as a string, within the
// GraphQL body limit of 1 MB; larger files go to POST /imports, up to 25 MB) and poll its state.
// biome-ignore lint/suspicious/noExplicitAny: the builder's generics are loosened for name-referenced types
type Loose = any;

const startArgs = {
  type: 'object',
  additionalProperties: false,
  required: ['csv'],
  properties: {
    csv: { type: 'string', minLength: 1, pattern: '^[^\\u0000]*$' },
    locationId: { type: 'string', format: 'uuid' },
    filename: { type: 'string', maxLength: 200, pattern: '^[^\\u0000]*$' },
  },
};

export function importsGraphql(b: GraphQLBuilder) {
  const lb = b as Loose;
  const RowError = b.objectRef<ImportRowError>('InventoryImportRowError').implement({
    fields: (t) => ({
      row: t.exposeInt('row', { description: '1-based data row (the header is row 0)' }),
      field: t.exposeString('field'),
      reason: t.exposeString('reason'),
    }),
  });
  const Import = b.objectRef<ImportView>('InventoryImport').implement({
    description: 'A CSV import of products and initial stock (inventory.import)',
    fields: (t) => ({
      id: t.exposeID('id'),
      state: t.exposeString('state', { description: 'queued, running, completed or failed' }),
      locationId: t.exposeID('location', { description: 'Where the counted stock goes' }),
      filename: t.exposeString('filename', { nullable: true }),
      totalRows: t.exposeInt('totalRows'),
      processedRows: t.exposeInt('processedRows'),
      createdProducts: t.exposeInt('createdProducts'),
      countedRows: t.exposeInt('countedRows'),
      failedRows: t.exposeInt('failedRows'),
      progress: t.exposeInt('progress', { description: 'Percent of the rows processed' }),
      errors: t.field({ type: [RowError], resolve: (i) => i.errors ?? [] }),
      createdAt: t.field({ type: 'DateTime', resolve: (i) => i.createdAt }),
      updatedAt: t.field({ type: 'DateTime', resolve: (i) => i.updatedAt }),
    }),
  });
  const Page = b.objectRef<{ data: ImportView[]; total: number }>('InventoryImportPage').implement({
    fields: (t) => ({
      data: t.field({ type: [Import], resolve: (p) => p.data }),
      total_count: t.exposeInt('total'),
    }),
  });

  lb.mutationField('inventoryStartImport', (t: Loose) =>
    t.field({
      type: Import,
      description:
        'Imports products and initial stock from a CSV (columns sku, name, barcode, type, cost, salePrice, currency, quantity); poll inventoryImport(id)',
      args: { csv: t.arg.string({ required: true }), locationId: t.arg.id(), filename: t.arg.string() },
      resolve: async (_r: unknown, a: Loose, ctx: RequestContext) => {
        ctx.require('inventory.import.write');
        const args = checked<{ csv: string; locationId?: string; filename?: string }>(startArgs, a);
        const imp = await createImport(ctx, args.csv, args);
        await ctx.jobs.enqueue(importJob, { importId: imp.id }, { jobId: imp.jobId ?? undefined });
        return view(imp);
      },
    }),
  );
  b.queryField('inventoryImport', (t) =>
    t.field({
      type: Import,
      description: 'State, counts, progress and row errors of an import',
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, a, ctx) => {
        ctx.require('inventory.import.read');
        return view(await ctx.db.repo(ProductImport).getOrThrow(idOf(a.id, 'import')));
      },
    }),
  );
  b.queryField('inventoryImports', (t) =>
    t.field({
      type: Page,
      description: 'Product imports, newest first',
      args: { limit: t.arg.int({ defaultValue: 50 }), offset: t.arg.int({ defaultValue: 0 }) },
      resolve: async (_r, a, ctx) => {
        ctx.require('inventory.import.read');
        const limit = Math.min(Math.max(a.limit ?? 50, 1), 200);
        const offset = Math.min(Math.max(a.offset ?? 0, 0), 1_000_000);
        const { rows, total } = await ctx.db.repo(ProductImport).page({
          orderBy: [{ field: 'createdAt', dir: 'desc' }],
          limit,
          offset,
        });
        return { data: rows.map(view), total };
      },
    }),
  );
}
