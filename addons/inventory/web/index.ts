import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [
    { label: 'Products', path: '', icon: 'box', permission: 'inventory.product.read', order: 40 },
    { label: 'Operations', path: 'operations', icon: 'kanban', permission: 'inventory.move.read', order: 41 },
    { label: 'Counts', path: 'counts', icon: 'check', permission: 'inventory.move.read', order: 42 },
    { label: 'Replenishment', path: 'reorder', icon: 'bell', permission: 'inventory.reorder.read', order: 43 },
    { label: 'Stock moves', path: 'moves', icon: 'activity', permission: 'inventory.move.read', order: 44 },
    { label: 'Lots and serials', path: 'lots', icon: 'link', permission: 'inventory.move.read', order: 44.5 },
    { label: 'Product import', path: 'import', icon: 'upload', permission: 'inventory.import.read', order: 45 },
  ],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};
