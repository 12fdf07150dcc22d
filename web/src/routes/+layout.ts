import { loadLanguage } from '@elevate/sdk/web/host';
import '#lib/i18n.ts';
import '#lib/addons/registry.ts';
import type { LayoutLoad } from './$types';

// Every catalogue (kit, web app, addons) in the page's language is loaded before anything renders,
// on the server and in the browser, so `t()` is synchronous in markup.
export const load: LayoutLoad = async ({ data }) => {
  await loadLanguage(data.language);
  return data;
};
