import { Product } from '@elevate/inventory';
import { isCurrency, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import { InvoiceLine } from '../models/invoice-line.model.ts';
import type { OrderLine } from '../models/order-line.model.ts';
import { type LineKind, QuoteLine } from '../models/quote-line.model.ts';
import { Tax } from '../models/tax.model.ts';
import type { SalesSettings } from '../settings.ts';
import { exact } from './decimal.ts';
import { computeTotals, type TaxInfo, type Totals } from './totals.ts';

/** A line as a client sends it. */
export interface LineInput {
  kind?: LineKind;
  productId?: string | null;
  description?: string | null;
  quantity?: string;
  uomId?: string | null;
  unitPrice?: string | null;
  discountPercent?: string | null;
  discountAmount?: string | null;
  taxIds?: string[];
}

/** A line ready to store: every field settled, amounts computed. */
export interface ResolvedLine {
  sequence: number;
  kind: LineKind;
  product: string | null;
  description: string | null;
  quantity: string;
  uomId: string | null;
  unitPrice: string;
  discountPercent: string | null;
  discountAmount: string | null;
  taxes: TaxInfo[];
  amountUntaxed: string;
  amountTax: string;
  amountTotal: string;
}

export interface StoredLine extends Omit<ResolvedLine, 'taxes'> {
  id: string;
  taxIds: string[];
}

const DECIMAL = '^-?\\d{1,14}(\\.\\d{1,4})?$';
const POSITIVE = '^\\d{1,14}(\\.\\d{1,4})?$';

/** The JSON Schema of a line in a request body. */
export const lineSchema = {
  type: 'object',
  properties: {
    kind: { enum: ['product', 'section', 'note'] },
    productId: { type: ['string', 'null'], format: 'uuid' },
    description: { type: ['string', 'null'], maxLength: 5000 },
    quantity: { type: 'string', pattern: POSITIVE },
    uomId: { type: ['string', 'null'], format: 'uuid' },
    unitPrice: { type: ['string', 'null'], pattern: DECIMAL },
    discountPercent: { type: ['string', 'null'], pattern: POSITIVE },
    discountAmount: { type: ['string', 'null'], pattern: POSITIVE },
    taxIds: { type: 'array', maxItems: 10, uniqueItems: true, items: { type: 'string', format: 'uuid' } },
  },
  additionalProperties: false,
} as const;

export const linesSchema = { type: 'array', maxItems: 500, items: lineSchema } as const;

/** Checks every line against the company's products and taxes and computes the amounts. */
export async function resolveLines(
  ctx: SystemContext,
  currency: string,
  inputs: readonly LineInput[],
): Promise<{ lines: ResolvedLine[]; totals: Totals }> {
  if (!isCurrency(currency)) throw salesErrors.invalid('currency', `${currency} is not an ISO 4217 currency code`);
  const productIds = [...new Set(inputs.map((l) => l.productId).filter((x): x is string => !!x))];
  const taxIds = [...new Set(inputs.flatMap((l) => l.taxIds ?? []))];
  const products = new Map((await ctx.db.repo(Product).getMany(productIds)).flatMap((p) => (p ? [[p.id, p]] : [])));
  const taxes = new Map((await ctx.db.repo(Tax).getMany(taxIds)).flatMap((t) => (t ? [[t.id, t]] : [])));
  const lines = inputs.map((l, i): Omit<ResolvedLine, 'amountUntaxed' | 'amountTax' | 'amountTotal'> => {
    const path = `lines.${i}`;
    const kind = l.kind ?? 'product';
    if (kind !== 'product') {
      if (!l.description?.trim()) throw salesErrors.invalid(`${path}.description`, 'is required on a section or note');
      return {
        sequence: i,
        kind,
        product: null,
        description: l.description.trim(),
        quantity: '0',
        uomId: null,
        unitPrice: '0',
        discountPercent: null,
        discountAmount: null,
        taxes: [],
      };
    }
    const product = l.productId ? products.get(l.productId) : undefined;
    if (l.productId && !product) throw salesErrors.notFound('product', `${path}.productId`);
    const description = l.description?.trim() || product?.name || null;
    if (!description) throw salesErrors.invalid(`${path}.description`, 'is required on a line without a product');
    const unitPrice = l.unitPrice ?? product?.salePrice ?? null;
    if (unitPrice === null)
      throw salesErrors.invalid(`${path}.unitPrice`, 'is required (the product has no sale price)');
    const quantity = l.quantity ?? '1';
    if (exact(quantity) <= 0n) throw salesErrors.invalid(`${path}.quantity`, 'must be more than 0');
    if (l.discountPercent && l.discountAmount) {
      throw salesErrors.invalid(`${path}.discountAmount`, 'cannot be given with discountPercent');
    }
    if (l.discountPercent && exact(l.discountPercent) > exact('100')) {
      throw salesErrors.invalid(`${path}.discountPercent`, 'must be at most 100');
    }
    const lineTaxes = (l.taxIds ?? []).map((id, j) => {
      const t = taxes.get(id);
      if (!t) throw salesErrors.notFound('tax', `${path}.taxIds.${j}`);
      return { id: t.id, name: t.name, rate: t.rate, inclusive: t.inclusive };
    });
    return {
      sequence: i,
      kind,
      product: product?.id ?? null,
      description,
      quantity,
      uomId: l.uomId ?? product?.saleUom ?? product?.uom ?? null,
      unitPrice,
      discountPercent: l.discountPercent ?? null,
      discountAmount: l.discountAmount ?? null,
      taxes: lineTaxes,
    };
  });
  const { rounding } = await ctx.settings<SalesSettings>('sales');
  const totals = computeTotals(currency, rounding, lines);
  for (const [i, l] of totals.lines.entries()) {
    if (exact(l.amountTotal) < 0n) {
      throw salesErrors.invalid(`lines.${i}.discountAmount`, 'takes the line below zero');
    }
  }
  return { lines: lines.map((l, i) => ({ ...l, ...(totals.lines[i] as Totals['lines'][number]) })), totals };
}

type LineModel = typeof QuoteLine | typeof OrderLine | typeof InvoiceLine;
const parentKey = (m: LineModel) => (m === QuoteLine ? 'quote' : m === InvoiceLine ? 'invoice' : 'order');
const pivotColumn = (m: LineModel) =>
  m === QuoteLine ? 'quote_line_id' : m === InvoiceLine ? 'invoice_line_id' : 'order_line_id';

/** Inserts the lines of a quote or an order, with their taxes (one pivot statement per document). */
export async function writeLines(
  ctx: SystemContext,
  model: LineModel,
  parentId: string,
  lines: readonly ResolvedLine[],
  extra: (l: ResolvedLine, i: number) => Record<string, unknown> = () => ({}),
): Promise<StoredLine[]> {
  const out: StoredLine[] = [];
  const pivot: [string, string][] = [];
  for (const [i, l] of lines.entries()) {
    const { taxes, ...fields } = l;
    const row = await ctx.db.repo(model as typeof QuoteLine).insert({
      ...fields,
      [parentKey(model)]: parentId,
      ...extra(l, i),
    } as never);
    for (const t of taxes) pivot.push([row.id, t.id]);
    out.push({ ...fields, id: row.id, taxIds: taxes.map((t) => t.id) });
  }
  if (pivot.length) {
    const table = `${model.table}_taxes`;
    const col = pivotColumn(model);
    await ctx.db.query(
      `insert into ${table} (tenant_id, ${col}, tax_id) select $1, a, b from unnest($2::uuid[], $3::uuid[]) as x(a, b)`,
      [ctx.tenant.id, pivot.map((p) => p[0]), pivot.map((p) => p[1])],
    );
  }
  return out;
}

/** The lines of a quote or an order in order, with their tax ids. */
export async function readLines<M extends LineModel>(ctx: SystemContext, model: M, parentId: string) {
  const rows = await ctx.db
    .repo(model as typeof OrderLine)
    .find({ where: { [parentKey(model)]: parentId } as never, orderBy: [{ field: 'sequence' }] });
  const col = pivotColumn(model);
  const links = rows.length
    ? await ctx.db.query<{ line: string; tax: string }>(
        `select ${col} as line, tax_id as tax from ${model.table}_taxes where tenant_id = $1 and ${col} = any($2::uuid[])`,
        [ctx.tenant.id, rows.map((r) => r.id)],
      )
    : [];
  return rows.map((r) => ({
    ...r,
    taxIds: links.filter((x) => x.line === r.id).map((x) => x.tax),
  })) as unknown as ((M extends typeof OrderLine
    ? import('../models/order-line.model.ts').OrderLineRow
    : M extends typeof InvoiceLine
      ? import('../models/invoice-line.model.ts').InvoiceLineRow
      : import('../models/quote-line.model.ts').QuoteLineRow) & {
    taxIds: string[];
  })[];
}

/** Stored lines back into the shape resolveLines takes (to copy them into a revision or an order). */
export function asInput(l: {
  kind: LineKind;
  product: string | null;
  description: string | null;
  quantity: string;
  uomId: string | null;
  unitPrice: string;
  discountPercent: string | null;
  discountAmount: string | null;
  taxIds: string[];
}): LineInput {
  return {
    kind: l.kind,
    productId: l.product,
    description: l.description,
    quantity: l.kind === 'product' ? l.quantity : undefined,
    uomId: l.uomId,
    unitPrice: l.unitPrice,
    discountPercent: l.discountPercent,
    discountAmount: l.discountAmount,
    taxIds: l.taxIds,
  } as LineInput;
}
