import { getContext, setContext } from 'svelte';
import type { Api } from './api.ts';
import type { LiveChannel } from './live.svelte.ts';
import type { Me } from './types.ts';

/** What the shell gives every page and widget (addons' too): `const kit = useKit()`. */
export interface Kit {
  api: Api;
  /** Link prefix of this tenant's pages: `href('/crm/contacts')`. */
  base: string;
  href(path: string): string;
  me: Me;
  can(permission: string): boolean;
  live: LiveChannel;
  /** A short message for everyone (polite live region). */
  toast(message: string, kind?: 'info' | 'error'): void;
  /** Client-side navigation (e.g. a list's filters in the query string). */
  navigate(href: string, opts?: { replaceState?: boolean; keepFocus?: boolean; noScroll?: boolean }): Promise<void>;
  /** Re-runs the loads that fetched an API path starting with `apiPath` (e.g. '/v1/crm/contacts'); all when omitted. */
  refresh(apiPath?: string): Promise<void>;
}

const KEY = Symbol('elevate.kit');

export function provideKit(kit: Kit): void {
  setContext(KEY, kit);
}

export function useKit(): Kit {
  const kit = getContext<Kit | undefined>(KEY);
  if (!kit) throw new Error('useKit() outside the app shell');
  return kit;
}
