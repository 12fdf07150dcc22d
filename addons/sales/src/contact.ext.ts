import { Contact } from '@elevate/crm';
import { extendModel, rel } from '@elevate/sdk';
import { Invoice } from './models/invoice.model.ts';
import { Order } from './models/order.model.ts';
import { Quote } from './models/quote.model.ts';

/**
 * What sales adds to crm's contact, without touching crm's files: the documents whose `contact`
 * is this contact. No columns (the references live in sales' tables), so no migration; GraphQL
 * `Contact.orders`, `Contact.quotes`, `Contact.invoices` for tenants with sales enabled
 * (`relationFields` in src/index.ts).
 */
export const contactSales = extendModel(Contact, {
  relations: {
    orders: rel.hasMany(() => Order, 'contact'),
    quotes: rel.hasMany(() => Quote, 'contact'),
    invoices: rel.hasMany(() => Invoice, 'contact'),
  },
});
