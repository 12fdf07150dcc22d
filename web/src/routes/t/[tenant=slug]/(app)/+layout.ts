import { loadLanguage, setPageLanguage } from '@elevate/sdk/web/host';
import { browser } from '$app/env';
import type { LayoutLoad } from './$types';

// The profile may name another language than the request did (root layout): load it too.
export const load: LayoutLoad = async ({ data }) => {
  await loadLanguage(data.language);
  // In the browser the pages' loads run before any component sets the language (an addon page's
  // title, made in its load, came out in English on hydration): set it here, before them.
  if (browser) setPageLanguage(data.language);
  return data;
};
