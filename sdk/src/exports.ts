import type { RequestContext } from './context.ts';
import type { JsonSchema } from './rest.ts';

/**
 * A file built in the background for one user (`POST /api/v1/core/exports { name, params }`):
 * the kernel checks `permission`, validates `params` against `params` (query-string style:
 * strings are coerced), queues a job, and runs `run` as that user (their permissions and record
 * rules) in a read-only transaction of their tenant. The file is kept for 24 hours; the user is
 * notified when it is ready (`core.export-ready`) and downloads it through an expiring signed link.
 * For lists too long for a request (crm's CSV exports answer `x-export-truncated: true` past
 * 100,000 rows).
 */
export interface ExportDef<P = Record<string, unknown>> {
  readonly kind: 'export';
  /** `<addon>.<name>`, e.g. `crm.contacts`. */
  readonly name: string;
  /** Shown in the notification ("Contacts export is ready"). */
  readonly title: string;
  readonly permission: string;
  readonly params: JsonSchema;
  readonly run: (ctx: RequestContext, params: P) => Promise<ExportFile>;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  body: string | Uint8Array;
  /** Rows written, for the status and the notification. */
  rows: number;
}

export function defineExport<P = Record<string, unknown>>(def: Omit<ExportDef<P>, 'kind'>): ExportDef<P> {
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_-]*$/.test(def.name)) {
    throw new Error(`Export "${def.name}" must look like "addon.name"`);
  }
  return { kind: 'export', ...def };
}
