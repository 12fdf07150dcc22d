import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [
    { label: 'Quotes', path: 'quotes', icon: 'target', permission: 'sales.quote.read', order: 50 },
    { label: 'Orders', path: 'orders', icon: 'cart', permission: 'sales.order.read', order: 51 },
  ],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
};
