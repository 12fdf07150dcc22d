// The import API's shapes, shared by the services that produce them and the web page that shows
// them (type-only, no imports: the browser bundle reads this file too). A field renamed on one
// side fails to compile on the other.

/**
 * A problem with one row. `row` is the 1-based number of the data record: the header is
 * row 0 and is not counted, blank lines are not records, a quoted cell spanning lines is
 * still one row.
 */
export interface ImportRowError {
  row: number;
  /** The contact or lead field the problem is about ('' for the whole row). */
  field: string;
  /** What is wrong, for people: "must be an email address". */
  reason: string;
}

/** A row error as GET /imports/:id returns it: with the CSV column the field was read from. */
export interface ImportRowErrorView extends ImportRowError {
  column: string | null;
}

export type ImportState = 'pending' | 'running' | 'completed' | 'failed';

/** What an import creates. */
export type ImportTarget = 'contact' | 'lead';

/** GET /api/v1/crm/imports/:id */
export interface ImportStatus {
  id: string;
  target: ImportTarget;
  filename: string | null;
  status: ImportState;
  mapping: Record<string, string>;
  totalRows: number;
  processedRows: number;
  importedRows: number;
  failedRows: number;
  /** 0-100 */
  progress: number;
  /** The first rows with errors (at most MAX_KEPT_ERRORS). */
  errors: ImportRowErrorView[];
  jobId: string | null;
  ownerId: string | null;
  createdAt: string;
  updatedAt: string;
}
