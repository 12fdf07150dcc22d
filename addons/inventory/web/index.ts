import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [{ label: 'Inventory', path: '', icon: 'grid', permission: 'inventory.product.read' }],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};
