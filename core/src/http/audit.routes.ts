import type Router from '@koa/router';
import { audit } from '../audit/audit.ts';
import {
  type AuditFilter,
  type AuditRow,
  auditQuerySchema,
  auditRows,
  listAudit,
  modelsByTable,
} from '../audit/audit-query.ts';
import { readRetention, writeRetention } from '../audit/audit-retention.ts';
import type { Runtime } from '../runtime.ts';
import type { State } from './state.ts';
import { compileBody, compileQuery } from './validate.ts';

export const AUDIT_READ = 'core.audit.read';
/** The most entries one CSV export holds (the response says when it stopped there). */
export const MAX_AUDIT_EXPORT = 100_000;

const query = compileQuery(auditQuerySchema);
const exportQuery = compileQuery({
  ...auditQuerySchema,
  properties: {
    ...(auditQuerySchema.properties as object),
    limit: { type: 'integer', minimum: 1, maximum: MAX_AUDIT_EXPORT },
  },
});
export const auditSettingsBody = {
  type: 'object',
  required: ['retentionDays'],
  additionalProperties: false,
  properties: { retentionDays: { type: 'integer', minimum: 1, maximum: 36500 } },
} as const;
const settingsBody = compileBody(auditSettingsBody);

const CSV_COLUMNS = [
  'at',
  'action',
  'model',
  'table',
  'recordId',
  'userId',
  'userEmail',
  'apiKeyId',
  'actor',
  'requestId',
  'before',
  'after',
  'detail',
] as const;

/** RFC 4180 quoting; cells that a spreadsheet would run as a formula get a leading apostrophe. */
function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = typeof v === 'string' ? v : JSON.stringify(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (cells: readonly unknown[]) => cells.map(cell).join(',');

/** GET /audit (list, a record's history with `record=`), GET /audit/export (CSV), retention settings. */
export function auditRoutes(r: Router<State>, rt: Runtime): void {
  const tables = modelsByTable(rt.addons);
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('audit route without request context');
    return { rc: s.rc, tx: s.tx };
  };

  r.get('/audit', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(AUDIT_READ);
    ctx.body = await listAudit(tx, query({ ...ctx.query }) as unknown as AuditFilter, tables);
  });

  r.get('/audit/export', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(AUDIT_READ);
    const { limit, offset: _offset, ...filter } = exportQuery({ ...ctx.query }) as unknown as AuditFilter;
    const max = limit ?? MAX_AUDIT_EXPORT;
    const lines = [csvLine(CSV_COLUMNS)];
    for await (const row of auditRows(tx, filter, tables, max + 1)) {
      if (lines.length > max) break;
      lines.push(csvLine(CSV_COLUMNS.map((k) => (row as AuditRow)[k])));
    }
    const truncated = lines.length > max + 1;
    const rows = Math.min(lines.length - 1, max);
    await audit(tx, { action: 'export', table: 'core_audit', detail: { filter, rows } });
    ctx.set('content-disposition', `attachment; filename="audit-${new Date().toISOString().slice(0, 10)}.csv"`);
    ctx.set('x-export-rows', String(rows));
    ctx.set('x-export-truncated', String(truncated));
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = `\ufeff${lines.slice(0, max + 1).join('\r\n')}\r\n`;
  });

  r.get('/audit/settings', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require(AUDIT_READ);
    ctx.body = await readRetention(tx);
  });

  r.put('/audit/settings', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    rc.require('core.settings.manage');
    const b = settingsBody(ctx.request.body) as { retentionDays: number };
    ctx.body = await writeRetention(tx, b.retentionDays);
  });
}
