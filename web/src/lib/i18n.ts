// The web app's own strings (shell, sign-in, profile, administration): web/src/messages/<lang>.json.
// Addons' catalogues are registered by #lib/addons/registry.ts, the kit's by the kit.
import { registerMessages, translator } from '@elevate/sdk/web/i18n';

registerMessages('web', import.meta.glob('../messages/*.json', { import: 'default' }));

export const t = translator<typeof import('../messages/en.json')>('web');
