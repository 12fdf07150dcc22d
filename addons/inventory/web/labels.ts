// Printable labels: which symbology a label carries. A product whose barcode is a valid EAN-13,
// UPC-A or EAN-8 is printed as that (what a till or a supplier's scanner expects); any other
// product, and every lot or serial, is printed as Code 128 of its SKU or its lot name, which the
// lookup and the scan field resolve too. Pure functions: the label pages render with bwip-js.

export type LabelSymbology = 'ean13' | 'upca' | 'ean8' | 'code128';

export interface LabelBarcode {
  /** The bwip-js encoder name. */
  bcid: LabelSymbology;
  /** What the bars encode (the check digit included for the GS1 codes). */
  text: string;
}

/** The GS1 check digit of the digits before it (weights 3,1,3,… from the right). */
function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum += (body.charCodeAt(body.length - 1 - i) - 48) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

const GS1: Record<number, LabelSymbology> = { 8: 'ean8', 12: 'upca', 13: 'ean13' };

/** The barcode a product's label carries. */
export function productLabelBarcode(product: { sku: string; barcode?: string | null }): LabelBarcode {
  const code = (product.barcode ?? '').trim();
  const kind = /^\d+$/.test(code) ? GS1[code.length] : undefined;
  if (kind && Number(code.at(-1)) === gs1CheckDigit(code.slice(0, -1))) return { bcid: kind, text: code };
  return { bcid: 'code128', text: product.sku };
}

/** The barcode a lot's or serial's label carries. */
export function lotLabelBarcode(lot: { name: string }): LabelBarcode {
  return { bcid: 'code128', text: lot.name };
}

/** The number of copies asked for, within 1–200 (a sheet is printed, not a warehouse run). */
export function labelCopies(raw: string | null | undefined, fallback = 1): number {
  const n = Number.parseInt(raw ?? '', 10);
  return Number.isFinite(n) ? Math.min(200, Math.max(1, n)) : fallback;
}
