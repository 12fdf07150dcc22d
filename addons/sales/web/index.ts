import { crmSlots } from '@elevate/crm/web/slots';
import { type ContributedModule, fill, type WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [
    {
      label: 'Quotes',
      labelKey: 'menu.quotes',
      path: 'quotes',
      icon: 'target',
      permission: 'sales.quote.read',
      order: 50,
    },
    {
      label: 'Orders',
      labelKey: 'menu.orders',
      path: 'orders',
      icon: 'cart',
      permission: 'sales.order.read',
      order: 51,
    },
    {
      label: 'Invoices',
      labelKey: 'menu.invoices',
      path: 'invoices',
      icon: 'grid',
      permission: 'sales.invoice.read',
      order: 52,
    },
    {
      label: 'Payments',
      labelKey: 'menu.payments',
      path: 'payments',
      icon: 'check',
      permission: 'sales.invoice.read',
      order: 53,
    },
    {
      label: 'Aged receivables',
      labelKey: 'menu.agedReceivables',
      path: 'reports/aged-receivables',
      icon: 'clock',
      permission: 'sales.invoice.read',
      order: 54,
    },
  ],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  messages: import.meta.glob('./messages/*.json', { import: 'default' }),
  // What sales adds to crm's pages (crm's files are not touched: crm declares the slots).
  slots: [
    fill(crmSlots.contactPanels, {
      key: 'customer-sales',
      permission: 'sales.quote.read',
      order: 10,
      component: () => import('./slots/CustomerSales.svelte'),
    }),
    fill(crmSlots.companyPanels, {
      key: 'customer-sales',
      permission: 'sales.quote.read',
      order: 10,
      component: () => import('./slots/CustomerSales.svelte'),
    }),
    fill(crmSlots.opportunityActions, {
      key: 'create-quote',
      permission: 'sales.quote.write',
      component: () => import('./slots/CreateQuote.svelte'),
    }),
    fill(crmSlots.opportunityPanels, {
      key: 'quotes',
      permission: 'sales.quote.read',
      order: 10,
      component: () => import('./slots/OpportunityQuotes.svelte'),
    }),
  ],
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};
