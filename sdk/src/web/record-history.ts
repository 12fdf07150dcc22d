import type { Api } from './api.ts';

/** One entry of a record's history (the audit log's `GET /v1/core/audit?record=`). */
export interface AuditEntry {
  id: string;
  at: string;
  action: string;
  userEmail: string | null;
  actor: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/**
 * A record's history for a page's server-side load, or null when the caller may not read the audit
 * log (or it could not be loaded): pass it to `<RecordHistory initial={...} />`.
 */
export async function recordHistory(api: Api, recordId: string, limit = 20): Promise<AuditEntry[] | null> {
  try {
    return (await api.get<{ data: AuditEntry[] }>('/v1/core/audit', { record: recordId, limit })).data;
  } catch {
    return null;
  }
}
