// The UI kit's own strings (tables, paging, dialogs), in sdk/src/web/messages/<lang>.json.
import { registerMessages, translator } from './i18n.ts';

registerMessages('kit', {
  en: () => import('./messages/en.json'),
  de: () => import('./messages/de.json'),
  es: () => import('./messages/es.json'),
});

export const t = translator<typeof import('./messages/en.json')>('kit');
