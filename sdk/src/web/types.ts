// What an addon contributes to the web app, and what its pages receive. An addon package names its
// web entry in package.json (`"exports": { "./web": "./web/index.ts" }`); that module exports
//   export const web: WebContribution = {
//     menu,                                              // MenuEntry[]
//     pages: import.meta.glob('./pages/**/*.svelte'),    // /<addon>/<path>; `index.svelte` is the
//                                                        // folder itself, `[name]` a parameter
//     widgets: import.meta.glob('./widgets/*.svelte'),   // dashboard widgets, in file-name order
//   };
// The web build finds it (the addon packages the kernel finds: the workspace's addons/*, installed
// packages, ADDON_PATHS) and code-splits pages and widgets; the addon id is the addon's own.
// A widget's `<script module>` exports `widget: WidgetMeta`. A page or widget may export, from
// `<script module>`, `permission` (needed to open it) and `load(args)`: it runs in the route's
// universal load (server first, then browser), and its result arrives as the `data` prop, so the
// first paint is server-rendered.
import type { Component } from 'svelte';
import type { Api } from './api.ts';
import type { IconName } from './icons.ts';
import type { Filled, SlotDef, SlotFill } from './slots.ts';

export interface MenuEntry {
  /** Visible text (English; the fallback when `labelKey` has no translation). */
  label: string;
  /** A key of the addon's own message catalogue for the label ('menu.contacts'); docs/i18n.md. */
  labelKey?: string;
  /** Path inside the addon: 'contacts' → /<addon>/contacts; '' → /<addon>. */
  path: string;
  /** One of the kit's icons (`iconNames`); a name it does not know is a type error. */
  icon?: IconName;
  /** Hidden unless the user holds it. */
  permission?: string;
  /** Sort key across all addons' entries (default 100). */
  order?: number;
}

export interface WidgetMeta {
  title: string;
  /** Hidden unless the user holds it. */
  permission?: string;
  /** 1 = one column, 2 = two columns on wide screens. */
  span?: 1 | 2;
  /** Sort key across all addons' widgets (default 100). */
  order?: number;
}

export interface LoadArgs {
  /** The API, bound to the load's fetch (cookies on the server, the proxy in the browser). */
  api: Api;
  /** Route parameters from `[name]` segments of the page file. */
  params: Record<string, string>;
  url: URL;
  /** Whether the signed-in user holds a permission (as `kit.can`): load only what they may see. */
  can(permission: string): boolean;
  /**
   * The fills of a slot this page declares (`defineSlot`), from the addons the tenant has enabled
   * whose permission the user holds, each with the result of its own `load` (run with `props`).
   * Render them with `<Slot fills={...} />`.
   */
  slot<P extends object>(slot: SlotDef<P>, props: P): Promise<Filled<P>>;
}

export interface PageProps<D = unknown> {
  data: D;
  params: Record<string, string>;
}

export interface ContributedModule {
  default: Component<PageProps<never>>;
  permission?: string;
  load?: (args: LoadArgs) => Promise<unknown>;
  widget?: WidgetMeta;
  /** Page title (a string, or a function of the page data). */
  title?: string | ((data: never) => string);
}

export interface Me {
  /**
   * `locale` and `timeZone`, where the profile has them, win over the browser's for formatting;
   * `language` (en, de, es) over the browser's for the pages' text.
   */
  user: {
    id: string;
    email: string;
    name: string;
    locale?: string | null;
    timeZone?: string | null;
    language?: string | null;
  };
  tenant: { id: string; slug: string; name: string };
  permissions: string[];
  enabledAddons: string[];
}

export interface ListResponse<T> {
  data: T[];
  total_count: number;
  limit: number;
  offset: number;
}

/** A tenant's white label: its logo (a data URL) and primary colour (#rrggbb); null = TECHGURU's. */
export interface Branding {
  logo: string | null;
  primaryColor: string | null;
}

type Lazy = () => Promise<ContributedModule>;

/** The `web` export of an addon's web entry. Keys of `pages` and `widgets` are file paths relative to
 * the entry ('./pages/contacts/[id].svelte', './widgets/10-contacts.svelte'), as `import.meta.glob` gives them. */
export interface WebContribution {
  menu?: readonly MenuEntry[];
  pages?: Readonly<Record<string, Lazy>>;
  widgets?: Readonly<Record<string, Lazy>>;
  /** Components for other addons' page slots (`fill(slot, {...})`). */
  slots?: readonly SlotFill[];
  /**
   * The addon's message catalogues, one file per language beside its pages:
   * `import.meta.glob('./messages/*.json', { import: 'default' })` (docs/i18n.md).
   */
  messages?: Readonly<Record<string, () => Promise<unknown>>>;
}
