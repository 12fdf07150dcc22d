import { defineModel, f, type Row } from '@elevate/sdk';

/** One due part of a payment term: `percent` of the total, due `days` after the invoice date. */
export interface TermPart {
  percent: string;
  days: number;
}

/**
 * When an invoice is due: "30 days" is one part (100 %, 30 days); "50 % now / 50 % in 30 days" two.
 * Posting an invoice splits its total by the percentages (the SDK's allocate: no minor unit lost).
 */
export const PaymentTerm = defineModel({
  name: 'sales.payment_term',
  access: 'sales.tax',
  fields: {
    name: f.string({ required: true, max: 80, unique: true }),
    parts: f.json<TermPart[], true>({ required: true }),
    active: f.boolean({ required: true, default: true }),
  },
});

export type PaymentTermRow = Row<typeof PaymentTerm>;
