// inventory's UI strings in the user's language: web/messages/<lang>.json beside the pages (docs/i18n.md).
import { translator } from '@elevate/sdk/web';

export const t = translator<typeof import('./messages/en.json')>('inventory');
