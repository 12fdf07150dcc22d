/**
 * Business documents (quotes, invoices, delivery slips) rendered to PDF by the platform with the
 * tenant's branding and its template for the kind (`ctx.documents`). Money values are exact
 * decimal strings in the document's currency (`"1234.5"`); the renderer formats them with the
 * currency's minor units (EUR 1,234.50, JPY 1,235 is refused: give "1235"). Quantities are
 * decimal strings too.
 */
export const DOCUMENT_KINDS = ['quote', 'invoice', 'delivery'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** Columns a template may show; description always shows. */
export const DOCUMENT_COLUMNS = ['quantity', 'unit', 'unitPrice', 'discount', 'taxes', 'total'] as const;
export type DocumentColumn = (typeof DOCUMENT_COLUMNS)[number];

export interface DocumentParty {
  name: string;
  /** Address lines, in order ("12 Rue de la Paix", "75002 Paris", "France"). */
  address?: readonly string[];
  email?: string;
  phone?: string;
  /** VAT or tax number. */
  taxId?: string;
}

export interface DocumentLine {
  /** `line` (default), a `section` heading, or a free-text `note` across the table. */
  type?: 'line' | 'section' | 'note';
  description: string;
  /** Secondary text under the description (a SKU, a period). */
  detail?: string;
  quantity?: string;
  unit?: string;
  unitPrice?: string;
  /** As shown: "10%" or an amount string ("5.00"). */
  discount?: string;
  /** Tax labels ("VAT 20%"). */
  taxes?: readonly string[];
  /** The line total, exact. */
  total?: string;
}

export interface DocumentTaxRow {
  label: string;
  base: string;
  amount: string;
}

export interface DocumentTotals {
  subtotal: string;
  discount?: string;
  tax?: string;
  total: string;
  paid?: string;
  /** Left to pay (an invoice). */
  due?: string;
}

/** The typed model of one document: what the template lays out. */
export interface BusinessDocument {
  kind: DocumentKind;
  /** Default: the template's title ("Quote", "Invoice", "Delivery slip"). */
  title?: string;
  number: string;
  /** ISO date (`2026-03-31`). */
  date: string;
  /** Quote: valid until; invoice: due date. ISO date. */
  dueDate?: string;
  /** The customer's reference, an order number. */
  reference?: string;
  /** ISO 4217. */
  currency: string;
  /** Default: the tenant's company profile (documents settings). */
  seller?: DocumentParty;
  customer: DocumentParty;
  /** A delivery address, when not the customer's. */
  shipTo?: DocumentParty;
  lines: readonly DocumentLine[];
  taxSummary?: readonly DocumentTaxRow[];
  totals?: DocumentTotals;
  /** Paragraphs under the lines (terms, payment instructions). */
  notes?: readonly string[];
  /** `en-GB`, `de-DE`, ... for numbers and dates; default `en-US`. */
  locale?: string;
  /**
   * The language of the words the document prints itself (its title when the tenant's template
   * has none, headings, column and total labels): `en`, `de`, `es`; default the locale's language,
   * else English. Lines and notes are printed as given.
   */
  language?: string;
}

export interface StoredDocument {
  id: string;
  kind: DocumentKind;
  number: string;
  filename: string;
  /** The record it is attached to: `{ model: 'sales.invoice', id }`. */
  record: { model: string; id: string };
  size: number;
  sha256: string;
  createdAt: string;
}

export interface DocumentLink {
  /** Absolute (PUBLIC_URL): works without a sign-in until it expires, for this tenant only. */
  url: string;
  expiresAt: string;
}

export interface Documents {
  /** The PDF bytes, laid out with the tenant's template for `doc.kind` and its branding. */
  render(doc: BusinessDocument): Promise<Uint8Array>;
  /**
   * Renders and stores the PDF attached to a record (in this transaction). Each call adds a
   * version; `list` gives them newest first. VALIDATION_FAILED (400) names a bad field.
   */
  attach(record: { model: string; id: string }, doc: BusinessDocument): Promise<StoredDocument>;
  list(record: { model: string; id: string }): Promise<StoredDocument[]>;
  /** One stored document (this tenant's), or null. */
  get(id: string): Promise<StoredDocument | null>;
  /**
   * An expiring signed download link (HMAC over tenant, document and expiry; default 7 days, at
   * most 90). Check the caller may see the record first: anyone holding the link can download.
   */
  link(id: string, opts?: { expiresInSec?: number }): Promise<DocumentLink>;
}
