import { definePermissions } from '@elevate/sdk';

// Record rules as crm's: admins see every quote and order, managers their team's, members (sales
// reps) their own; admins (accounting) see every invoice. Recording money is for admins and
// managers. Taxes and payment terms are the company's: everyone reads them, admins change them.
const scoped = ['admin', 'manager@team', 'member@own'] as const;

export const permissions = definePermissions({
  'sales.quote.read': { title: 'See quotes', grant: scoped },
  'sales.quote.write': { title: 'Create, edit, send, revise and share quotes', grant: scoped },
  'sales.quote.delete': { title: 'Delete draft quotes', grant: ['admin', 'manager@team'] },
  'sales.order.read': { title: 'See sale orders and deliveries', grant: scoped },
  'sales.order.write': { title: 'Create, confirm, deliver and cancel sale orders', grant: scoped },
  'sales.order.delete': { title: 'Delete draft sale orders', grant: ['admin', 'manager@team'] },
  'sales.invoice.read': { title: 'See invoices, credit notes and their payments', grant: scoped },
  'sales.invoice.write': { title: 'Invoice orders, post invoices, make credit notes', grant: scoped },
  'sales.invoice.delete': { title: 'Delete draft invoices', grant: ['admin', 'manager@team'] },
  'sales.payment.write': { title: 'Record payments and send pay links', grant: ['admin', 'manager@team'] },
  'sales.tax.read': { title: 'See taxes', grant: ['admin', 'manager', 'member'] },
  'sales.tax.write': { title: 'Create and change taxes', grant: ['admin'] },
  'sales.tax.delete': { title: 'Delete taxes', grant: ['admin'] },
});
