import { loadLanguage, setPageLanguage } from '@elevate/sdk/web/host';
import { browser } from '$app/env';
import '#lib/i18n.ts';
import '#lib/addons/registry.ts';
import type { LayoutLoad } from './$types';

// Every catalogue (kit, web app, addons) in the page's language is loaded before anything renders,
// on the server and in the browser, so `t()` is synchronous in markup.
export const load: LayoutLoad = async ({ data }) => {
  await loadLanguage(data.language);
  // In the browser the pages' loads run before any component sets the language (an addon page's
  // title, made in its load, came out in English on hydration): set it here, before them.
  if (browser) setPageLanguage(data.language);
  return data;
};
