// crm's web entry (package.json exports["./web"]): what the web app shows for crm.
import type { ContributedModule, WebContribution } from '@elevate/sdk/web';
import { menu } from './menu.ts';

export const web: WebContribution = {
  menu,
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};

export { crmSlots } from './slots.ts';
