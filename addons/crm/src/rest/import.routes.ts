import { type JsonSchema, NotFoundError, type Page, paginationQuery, type RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { exportCsv, exportQuerySchema } from '../services/export.service.ts';
import { createImport, getImport, type ImportView, listImports, startImport } from '../services/import.service.ts';
import type { ListTarget } from '../services/list-query.ts';
import { contact360, DEFAULT_TIMELINE, MAX_TIMELINE } from '../services/timeline.service.ts';

const uploadQuery: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    filename: { type: 'string', minLength: 1, maxLength: 200 },
    target: { enum: ['contact', 'lead'], default: 'contact', description: 'what the rows become' },
  },
};

const startBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['mapping'],
  properties: {
    mapping: {
      type: 'object',
      description: 'CSV header → contact or lead field (null or "" leaves the column out)',
      additionalProperties: { type: ['string', 'null'], maxLength: 60 },
    },
  },
};

const EXPORTS: [string, ListTarget, string][] = [
  ['contacts', 'contact', 'crm.contact.read'],
  ['leads', 'lead', 'crm.lead.read'],
  ['opportunities', 'opportunity', 'crm.opportunity.read'],
];

/** CSV import of contacts and leads, CSV export of any list, and the contact 360° view over REST. */
export function importRoutes(r: RestRouter<typeof permissions>): void {
  r.post<Record<string, string>, string>(
    '/imports',
    {
      permission: 'crm.contact.import',
      bodyType: 'text',
      query: uploadQuery,
      summary:
        'Upload a CSV of contacts or leads (text/csv, ?target=lead); answers its columns, first rows and a suggested mapping',
    },
    async ({ body, query, ctx }) => ({
      status: 201,
      body: await createImport(
        ctx,
        body,
        typeof query.filename === 'string' ? query.filename : null,
        query.target === 'lead' ? 'lead' : 'contact',
      ),
    }),
  );

  r.get<Record<string, string>, { limit: number; offset: number }>(
    '/imports',
    { permission: 'crm.contact.import', query: paginationQuery, summary: 'Imports, newest first' },
    async ({ query, ctx }): Promise<Page<ImportView>> => {
      const { rows, total } = await listImports(ctx, query);
      return { data: rows, total_count: total, limit: query.limit, offset: query.offset };
    },
  );

  r.get<{ id: string }>(
    '/imports/:id',
    { permission: 'crm.contact.import', summary: 'Status, counts, progress and row errors of an import' },
    ({ params, ctx }) => getImport(ctx, params.id),
  );

  r.post<{ id: string }, { mapping: Record<string, string | null> }>(
    '/imports/:id/start',
    { permission: 'crm.contact.import', body: startBody, summary: 'Start an import with a column mapping' },
    async ({ params, body, ctx }) => ({ status: 202, body: await startImport(ctx, params.id, body.mapping) }),
  );

  for (const [name, target, read] of EXPORTS) {
    r.get(
      `/export/${name}.csv`,
      {
        permission: 'crm.contact.export',
        query: exportQuerySchema(target),
        summary: `Export ${name} as CSV (the list's filters, sort and segment; at most 100,000 rows)`,
      },
      async ({ query, ctx }) => {
        ctx.require(read);
        const out = await exportCsv(ctx, target, query);
        return {
          status: 200,
          body: out.csv,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="${out.filename}"`,
            'x-export-rows': String(out.rows),
            'x-export-truncated': String(out.truncated),
          },
        };
      },
    );
  }

  r.get<{ id: string }, { limit: number }>(
    '/contacts/:id/360',
    {
      permission: 'crm.contact.read',
      query: {
        type: 'object',
        additionalProperties: false,
        properties: { limit: { type: 'integer', minimum: 1, maximum: MAX_TIMELINE, default: DEFAULT_TIMELINE } },
      },
      summary: 'A contact with its company or people, merged timeline and panels',
    },
    async ({ params, query, ctx }) => {
      const view = await contact360(ctx, params.id, query.limit);
      if (!view) throw new NotFoundError('Contact');
      return view;
    },
  );
}
