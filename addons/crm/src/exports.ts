import { defineExport } from '@elevate/sdk';
import { exportCsv, exportQuerySchema, MAX_BACKGROUND_ROWS } from './services/export.service.ts';
import type { ListTarget } from './services/list-query.ts';

// The CSV exports as background jobs (POST /api/v1/core/exports { name: 'crm.contacts', params }):
// the same filters, segment, sort and record rules as GET /crm/export/<name>.csv, without its
// 100,000-row cap (up to MAX_BACKGROUND_ROWS). The web app offers it when a file came back cut.
const csv = (name: string, title: string, target: ListTarget, read: string) => {
  const base = exportQuerySchema(target);
  const props = base.properties as Record<string, unknown>;
  return defineExport({
    name: `crm.${name}`,
    title,
    permission: 'crm.contact.export',
    params: { ...base, properties: { ...props, limit: { type: 'integer', minimum: 1, maximum: MAX_BACKGROUND_ROWS } } },
    run: async (ctx, params) => {
      ctx.require(read);
      const out = await exportCsv(ctx, target, params, MAX_BACKGROUND_ROWS);
      return { filename: out.filename, contentType: 'text/csv; charset=utf-8', body: out.csv, rows: out.rows };
    },
  });
};

export const crmExports = [
  csv('contacts', 'Contacts', 'contact', 'crm.contact.read'),
  csv('leads', 'Leads', 'lead', 'crm.lead.read'),
  csv('opportunities', 'Opportunities', 'opportunity', 'crm.opportunity.read'),
];
