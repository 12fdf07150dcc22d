import type { DocumentColumn, DocumentKind } from '@elevate/sdk';
import { LANGUAGES, type Language } from '@elevate/sdk';

// The words a business document prints itself (titles, headings, labels), per shipped language.
// The document's own texts (lines, notes, the tenant's template title and footer) are the
// caller's and printed as given.

export interface DocumentLabels {
  titles: Record<DocumentKind, string>;
  columns: Record<DocumentColumn, string>;
  description: string;
  number: string;
  date: string;
  due: Record<DocumentKind, string>;
  reference: string;
  from: string;
  billTo: string;
  customer: string;
  shipTo: string;
  taxId: string;
  subtotal: string;
  discount: string;
  tax: string;
  total: string;
  paid: string;
  amountDue: string;
  taxSummary: string;
  rate: string;
  base: string;
  /** `{page}` and `{pages}` are replaced. */
  page: string;
}

export const DOCUMENT_LABELS: Record<Language, DocumentLabels> = {
  en: {
    titles: { quote: 'Quote', invoice: 'Invoice', delivery: 'Delivery slip' },
    columns: {
      quantity: 'Qty',
      unit: 'Unit',
      unitPrice: 'Unit price',
      discount: 'Disc.',
      taxes: 'Taxes',
      total: 'Amount',
    },
    description: 'Description',
    number: 'Number',
    date: 'Date',
    due: { quote: 'Valid until', invoice: 'Due date', delivery: 'Ship date' },
    reference: 'Reference',
    from: 'From',
    billTo: 'Bill to',
    customer: 'Customer',
    shipTo: 'Ship to',
    taxId: 'Tax ID',
    subtotal: 'Subtotal',
    discount: 'Discount',
    tax: 'Tax',
    total: 'Total',
    paid: 'Paid',
    amountDue: 'Amount due',
    taxSummary: 'Tax summary',
    rate: 'Rate',
    base: 'Base',
    page: 'Page {page} of {pages}',
  },
  de: {
    titles: { quote: 'Angebot', invoice: 'Rechnung', delivery: 'Lieferschein' },
    columns: {
      quantity: 'Menge',
      unit: 'Einheit',
      unitPrice: 'Einzelpreis',
      discount: 'Rabatt',
      taxes: 'Steuern',
      total: 'Betrag',
    },
    description: 'Beschreibung',
    number: 'Nummer',
    date: 'Datum',
    due: { quote: 'Gültig bis', invoice: 'Fällig am', delivery: 'Versanddatum' },
    reference: 'Referenz',
    from: 'Von',
    billTo: 'Rechnung an',
    customer: 'Kunde',
    shipTo: 'Lieferung an',
    taxId: 'USt-IdNr.',
    subtotal: 'Zwischensumme',
    discount: 'Rabatt',
    tax: 'Steuer',
    total: 'Gesamt',
    paid: 'Bezahlt',
    amountDue: 'Offener Betrag',
    taxSummary: 'Steuerübersicht',
    rate: 'Satz',
    base: 'Basis',
    page: 'Seite {page} von {pages}',
  },
  es: {
    titles: { quote: 'Presupuesto', invoice: 'Factura', delivery: 'Albarán' },
    columns: {
      quantity: 'Cant.',
      unit: 'Unidad',
      unitPrice: 'Precio unit.',
      discount: 'Dto.',
      taxes: 'Impuestos',
      total: 'Importe',
    },
    description: 'Descripción',
    number: 'Número',
    date: 'Fecha',
    due: { quote: 'Válido hasta', invoice: 'Vencimiento', delivery: 'Fecha de envío' },
    reference: 'Referencia',
    from: 'De',
    billTo: 'Facturar a',
    customer: 'Cliente',
    shipTo: 'Enviar a',
    taxId: 'NIF',
    subtotal: 'Subtotal',
    discount: 'Descuento',
    tax: 'Impuesto',
    total: 'Total',
    paid: 'Pagado',
    amountDue: 'Importe pendiente',
    taxSummary: 'Resumen de impuestos',
    rate: 'Tipo',
    base: 'Base',
    page: 'Página {page} de {pages}',
  },
};

/** The document's language: as given, else its locale's (`de-AT` → de), else English. */
export function documentLanguage(doc: { language?: string | undefined; locale?: string | undefined }): Language {
  const base = (doc.language ?? doc.locale ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return (LANGUAGES as readonly string[]).includes(base) ? (base as Language) : 'en';
}
