// sales's UI strings in the user's language: web/messages/<lang>.json beside the pages (docs/i18n.md).
// From the i18n entry (no Svelte components): plain .ts helpers that use t also load in Node tests.
import { translator } from '@elevate/sdk/web/i18n';

export const t = translator<typeof import('./messages/en.json')>('sales');
