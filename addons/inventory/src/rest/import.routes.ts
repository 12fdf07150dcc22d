import { NotFoundError, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import { ProductImport, type ProductImportRow } from '../models/import.model.ts';
import type { permissions } from '../permissions.ts';
import { createImport } from '../services/import.service.ts';
import { importJob } from '../workflows/import.job.ts';

export function importRoutes(r: RestRouter<typeof permissions>): void {
  r.post<Record<string, string>, string>(
    '/imports',
    {
      permission: 'inventory.import.write',
      bodyType: 'text',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: {
          locationId: { type: 'string', format: 'uuid' },
          filename: { type: 'string', maxLength: 200, pattern: '^[^\\u0000]*$' },
        },
      },
      summary:
        'Import products and initial stock from a CSV (columns sku, name, barcode, type, cost, salePrice, currency, quantity); answers 202 with the import to poll',
    },
    async ({ body, query, ctx }) => {
      const imp = await createImport(ctx, body, query as { locationId?: string; filename?: string });
      await ctx.jobs.enqueue(importJob, { importId: imp.id }, { jobId: imp.jobId ?? undefined });
      return { status: 202, body: view(imp) };
    },
  );

  r.get<Record<string, string>, { limit: number; offset: number }>(
    '/imports',
    { permission: 'inventory.import.read', query: paginationQuery, summary: 'Product imports, newest first' },
    async ({ query, ctx }): Promise<Page<ImportView>> => {
      const { rows, total } = await ctx.db.repo(ProductImport).page({
        orderBy: [{ field: 'createdAt', dir: 'desc' }],
        limit: query.limit,
        offset: query.offset,
      });
      return { data: rows.map(view), total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<{ id: string }>(
    '/imports/:id',
    { permission: 'inventory.import.read', summary: 'State, counts, progress and row errors of an import' },
    async ({ params, ctx }) => {
      if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(params.id)) {
        throw new NotFoundError('import');
      }
      return view(await ctx.db.repo(ProductImport).getOrThrow(params.id));
    },
  );
}

export type ImportView = Omit<ProductImportRow, 'csv'> & { progress: number };

/** An import as clients see it: without the uploaded file, with its progress in percent. */
export function view(imp: ProductImportRow): ImportView {
  const { csv: _csv, ...rest } = imp;
  return { ...rest, progress: imp.totalRows ? Math.round((imp.processedRows / imp.totalRows) * 100) : 100 };
}
