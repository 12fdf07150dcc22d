// The UI kit for addon pages, menus and widgets (the package subpath @elevate/sdk/web).
// The web app's own pages use the same kit, so there is one copy of each piece.

export { samplePayload } from '../automation-sample.ts';
export {
  COMMENT_MAX,
  commentPlainText,
  mentionIds,
  renderCommentHtml,
  teamMentionIds,
} from '../comment-text.ts';
export type { CommentInfo, CommentUser } from '../comments.ts';
export {
  isLanguage,
  LANGUAGE_NAMES,
  LANGUAGES,
  type Language,
  type MessageValues,
  type Translate,
} from '../i18n.ts';
/** Typing pages from the model itself: `Row<typeof Ticket>`, `resourceClient<typeof Ticket>(api, path)`. */
export type { AnyModel, NewRow, Patch } from '../model.ts';
export { allows } from '../permissions.ts';
export {
  type Api,
  ApiError,
  createApi,
  queryString,
  type ResourceClient,
  type ResourcePage,
  type ResourceQuery,
  type Row,
  resourceClient,
} from './client.ts';
export { default as CommentComposer } from './components/CommentComposer.svelte';
export { default as Comments } from './components/Comments.svelte';
export { default as ConfirmDialog } from './components/ConfirmDialog.svelte';
export { default as CustomFieldFilters } from './components/CustomFieldFilters.svelte';
export { default as CustomFieldInputs } from './components/CustomFieldInputs.svelte';
export { default as DataTable } from './components/DataTable.svelte';
export { default as Field } from './components/Field.svelte';
export { default as Icon } from './components/Icon.svelte';
export { default as Modal } from './components/Modal.svelte';
export { default as PageHeader } from './components/PageHeader.svelte';
export { default as Pagination } from './components/Pagination.svelte';
export { default as RecordHistory } from './components/RecordHistory.svelte';
export { default as SavedViews } from './components/SavedViews.svelte';
export { default as Slot } from './components/Slot.svelte';
export { type Kit, useKit } from './context.ts';
export {
  type CustomFieldDef,
  type CustomFormValue,
  customBody,
  customFieldColumns,
  customFieldDisplay,
  customFormValues,
} from './custom-fields.ts';
export { type DataColumn, valueAt } from './data-table.ts';
export {
  type FormatSettings,
  formatAmounts,
  formatDate,
  formatDay,
  formatMoney,
  formatNumber,
  formatSettings,
} from './format.ts';
export { currentLanguage, labelIn, registerMessages, translator } from './i18n.ts';
export { type IconName, iconNames, isIconName } from './icons.ts';

import './kit-messages.ts';

export { LiveChannel, type LiveEvent } from './live.svelte.ts';
export { withLoadApi } from './load.ts';
export { type AuditEntry, recordHistory } from './record-history.ts';
export { neighbourRecord, rememberRecords } from './record-nav.ts';
export {
  defineSlot,
  type Filled,
  type FilledSlot,
  fill,
  type SlotDef,
  type SlotFill,
  type SlotLoadArgs,
  type SlotModule,
  type SlotProps,
} from './slots.ts';
export type {
  Branding,
  ContributedModule,
  ListResponse,
  LoadArgs,
  Me,
  MenuEntry,
  PageProps,
  WebContribution,
  WidgetMeta,
} from './types.ts';
export { debounce, fieldErrors, readParams, ui, withParams } from './ui.ts';
export {
  CUSTOM_FILTER_KEY,
  type Density,
  type ListView,
  loadListView,
  type SavedView,
  type ViewColumn,
  viewFiltersOf,
  viewHref,
} from './views.ts';
