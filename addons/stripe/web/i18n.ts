// stripe's UI strings in the user's language: web/messages/<lang>.json beside the page (docs/i18n.md).
import { translator } from '@elevate/sdk/web/i18n';

export const t = translator<typeof import('./messages/en.json')>('stripe');
