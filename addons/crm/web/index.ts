// crm's web entry (package.json exports["./web"]): what the web app shows for crm.
import type { ContributedModule, WebContribution } from '@elevate/sdk/web';
import { menu } from './menu.ts';

export const web: WebContribution = {
  menu,
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
  // One file per language; the app loads the user's (and English, the fallback) before rendering.
  messages: import.meta.glob('./messages/*.json', { import: 'default' }),
};

export { crmSlots } from './slots.ts';
