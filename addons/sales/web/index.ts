import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [
    { label: 'Quotes', path: 'quotes', icon: 'target', permission: 'sales.quote.read', order: 50 },
    { label: 'Orders', path: 'orders', icon: 'cart', permission: 'sales.order.read', order: 51 },
    { label: 'Invoices', path: 'invoices', icon: 'grid', permission: 'sales.invoice.read', order: 52 },
    { label: 'Payments', path: 'payments', icon: 'check', permission: 'sales.invoice.read', order: 53 },
    {
      label: 'Aged receivables',
      path: 'reports/aged-receivables',
      icon: 'clock',
      permission: 'sales.invoice.read',
      order: 54,
    },
  ],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};
