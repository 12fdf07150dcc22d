import type { BusinessDocument, DocumentKind } from '@elevate/sdk';

// A realistic document per kind: the template preview renders it, the docs keep its picture.

const customer = {
  name: 'Northwind Traders GmbH',
  address: ['Attn. Maria Anders', 'Obere Str. 57', '12209 Berlin', 'Germany'],
  email: 'accounts@northwind.example',
  taxId: 'DE 123 456 789',
};

const lines: BusinessDocument['lines'] = [
  { type: 'section', description: 'Hardware' },
  {
    description: 'Barcode scanner, wireless (2D imager, charging cradle)',
    detail: 'SKU SCN-2D-W',
    quantity: '4',
    unit: 'pcs',
    unitPrice: '189.00',
    discount: '10%',
    taxes: ['VAT 19%'],
    total: '680.40',
  },
  {
    description: 'Thermal label printer 4"',
    detail: 'SKU PRN-TL4',
    quantity: '2',
    unit: 'pcs',
    unitPrice: '349.50',
    taxes: ['VAT 19%'],
    total: '699.00',
  },
  {
    description: 'Labels 100 × 150 mm, 500 per roll',
    detail: 'SKU LBL-100150',
    quantity: '12',
    unit: 'rolls',
    unitPrice: '14.90',
    taxes: ['VAT 19%'],
    total: '178.80',
  },
  { type: 'section', description: 'Services' },
  {
    description: 'On-site installation and staff training (per hour)',
    quantity: '6.5',
    unit: 'h',
    unitPrice: '95.00',
    taxes: ['VAT 19%'],
    total: '617.50',
  },
  { type: 'note', description: 'Installation is scheduled within 10 working days of the order.' },
  {
    description: 'Printed user guide (reduced rate)',
    quantity: '2',
    unit: 'pcs',
    unitPrice: '24.00',
    taxes: ['VAT 7%'],
    total: '48.00',
  },
];

const base = {
  currency: 'EUR',
  customer,
  lines,
  taxSummary: [
    { label: 'VAT 19%', base: '2175.70', amount: '413.38' },
    { label: 'VAT 7%', base: '48.00', amount: '3.36' },
  ],
  locale: 'en-GB',
} satisfies Partial<BusinessDocument>;

export function sampleDocument(kind: DocumentKind): BusinessDocument {
  if (kind === 'quote') {
    return {
      ...base,
      kind,
      number: 'Q/2026/0042 v2',
      date: '2026-03-02',
      dueDate: '2026-04-01',
      reference: 'Warehouse scanning roll-out',
      totals: { subtotal: '2223.70', discount: '75.60', tax: '416.74', total: '2640.44' },
      notes: ['Prices valid until the date above. Delivery 5–7 working days after order confirmation.'],
    };
  }
  if (kind === 'invoice') {
    return {
      ...base,
      kind,
      number: 'INV/2026/0117',
      date: '2026-03-16',
      dueDate: '2026-04-15',
      reference: 'Order SO/2026/0031',
      totals: {
        subtotal: '2223.70',
        discount: '75.60',
        tax: '416.74',
        total: '2640.44',
        paid: '1320.22',
        due: '1320.22',
      },
      notes: [
        'Payment terms: 50% on order, 50% within 30 days. Please quote the invoice number with your payment.',
        'Bank transfer: IBAN DE89 3704 0044 0532 0130 00 · BIC COBADEFFXXX',
      ],
    };
  }
  return {
    kind,
    number: 'WH/OUT/00093',
    date: '2026-03-12',
    reference: 'Order SO/2026/0031',
    currency: 'EUR',
    customer,
    shipTo: { name: 'Northwind Traders — Warehouse 2', address: ['Industriestr. 4', '14513 Teltow', 'Germany'] },
    lines: lines
      .filter((l) => l.type !== 'note')
      .map((l) => ({
        type: l.type ?? 'line',
        description: l.description,
        ...(l.detail ? { detail: l.detail } : {}),
        ...(l.quantity ? { quantity: l.quantity, unit: l.unit ?? '' } : {}),
      })),
    notes: ['Received in good condition: ____________________   Date: __________'],
    locale: 'en-GB',
  };
}
