import { DOCUMENT_KINDS, type JsonSchema } from '@elevate/sdk';

const str = (max: number, min = 0): JsonSchema => ({ type: 'string', minLength: min, maxLength: max });
const date: JsonSchema = { type: 'string', format: 'date' };
const party: JsonSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: str(200, 1),
    address: { type: 'array', maxItems: 8, items: str(200) },
    email: str(320),
    phone: str(50),
    taxId: str(50),
  },
};

/** The typed document model, checked before rendering (sdk/src/documents.ts). */
export const businessDocumentSchema: JsonSchema = {
  type: 'object',
  required: ['kind', 'number', 'date', 'currency', 'customer', 'lines'],
  additionalProperties: false,
  properties: {
    kind: { enum: [...DOCUMENT_KINDS] },
    title: str(80, 1),
    number: str(100, 1),
    date,
    dueDate: date,
    reference: str(200),
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    seller: party,
    customer: party,
    shipTo: party,
    lines: {
      type: 'array',
      maxItems: 2000,
      items: {
        type: 'object',
        required: ['description'],
        additionalProperties: false,
        properties: {
          type: { enum: ['line', 'section', 'note'] },
          description: str(2000, 1),
          detail: str(500),
          quantity: { type: 'string', pattern: '^-?\\d{1,15}(\\.\\d{1,6})?$' },
          unit: str(20),
          unitPrice: str(40),
          discount: str(20),
          taxes: { type: 'array', maxItems: 5, items: str(40) },
          total: str(40),
        },
      },
    },
    taxSummary: {
      type: 'array',
      maxItems: 50,
      items: {
        type: 'object',
        required: ['label', 'base', 'amount'],
        additionalProperties: false,
        properties: { label: str(60, 1), base: str(40), amount: str(40) },
      },
    },
    totals: {
      type: 'object',
      required: ['subtotal', 'total'],
      additionalProperties: false,
      properties: {
        subtotal: str(40),
        discount: str(40),
        tax: str(40),
        total: str(40),
        paid: str(40),
        due: str(40),
      },
    },
    notes: { type: 'array', maxItems: 20, items: str(4000) },
    locale: { type: 'string', pattern: '^[a-z]{2,3}(-[A-Z]{2})?$' },
    language: { type: 'string', pattern: '^[a-z]{2}$' },
  },
};
