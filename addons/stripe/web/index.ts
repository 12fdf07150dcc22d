import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [
    {
      label: 'Stripe',
      labelKey: 'menu.stripe',
      path: '',
      icon: 'cart',
      permission: 'stripe.settings.manage',
      order: 90,
    },
  ],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  messages: import.meta.glob('./messages/*.json', { import: 'default' }),
};
