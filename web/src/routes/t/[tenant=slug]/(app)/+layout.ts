import { loadLanguage } from '@elevate/sdk/web/host';
import type { LayoutLoad } from './$types';

// The profile may name another language than the request did (root layout): load it too.
export const load: LayoutLoad = async ({ data }) => {
  await loadLanguage(data.language);
  return data;
};
