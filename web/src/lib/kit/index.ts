// What addon web code imports: `import { useKit, PageHeader } from '@elevate/web/kit'`.
export { default as ConfirmDialog } from '../components/ConfirmDialog.svelte';
export { default as Icon } from '../components/Icon.svelte';
export { default as PageHeader } from '../components/PageHeader.svelte';
export { default as Pagination } from '../components/Pagination.svelte';
export { type Api, ApiError, createApi, queryString } from './api.ts';
export { type Kit, useKit } from './context.ts';
export { type FormatSettings, formatDate, formatMoney, formatNumber, formatSettings } from './format.ts';
export { LiveChannel, type LiveEvent } from './live.svelte.ts';
export { allows } from './permissions.ts';
export type {
  Branding,
  ContributedModule,
  ListResponse,
  LoadArgs,
  Me,
  MenuEntry,
  PageProps,
  WidgetMeta,
} from './types.ts';
