/** The filters the audit page keeps in its query string (the API's own names). */
export const FILTERS = ['model', 'table', 'record', 'user', 'action', 'from', 'to'] as const;
export type AuditFilters = Record<(typeof FILTERS)[number], string>;
export const LIMIT = 50;
