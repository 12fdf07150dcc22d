import type { RequestContext } from './context.ts';

/**
 * Global search (Ctrl/Cmd+K in the web app): an addon declares one provider per kind of record
 * it lets people find (`search: [defineSearchProvider({...})]` in defineAddon). The kernel asks the
 * providers of the tenant's enabled addons whose permission the caller holds, in dependency order,
 * and answers the hits grouped by provider (GET /api/v1/core/search, GraphQL `globalSearch`).
 */
export interface SearchQuery {
  /** What the person typed, trimmed (1-200 characters). */
  q: string;
  /**
   * The words of `q`, lowercased with accents folded (`"Jürgen MÜLL"` → `["jurgen", "mull"]`),
   * longest first, at most 8, each at least 2 characters. The SQL function `core_search_norm(text)`
   * folds stored text the same way (see docs/addon-authoring.md, "Search providers").
   */
  terms: readonly string[];
  /** Hits wanted from this provider (1-50). */
  limit: number;
}

export interface SearchHit {
  id: string;
  title: string;
  /** One line that tells hits of the same title apart (a person's company, an order's customer). */
  subtitle?: string | null;
  /** The record's page in the web app, relative (`/crm/contacts/<id>`). */
  href: string;
  /** Higher is better; comparable within one provider only. */
  score: number;
}

export interface SearchProvider {
  readonly kind: 'search-provider';
  /** `<addon>.<noun>`, e.g. `crm.contact`: the group's stable id. */
  readonly type: string;
  /** The group's heading ("Contacts"): English, and the fallback of `labelKey`. */
  readonly label: string;
  /**
   * The heading's key in the addon's web catalogue (`search.contacts` in `web/messages/<lang>.json`):
   * the web app shows it in the user's language, as menu entries' `labelKey`.
   */
  readonly labelKey?: string;
  /** Asked only when the caller holds it (e.g. `crm.contact.read`); record rules are the provider's to apply. */
  readonly permission: string;
  readonly search: (ctx: RequestContext, query: SearchQuery) => Promise<readonly SearchHit[]>;
}

export interface SearchProviderInput {
  type: string;
  label: string;
  labelKey?: string;
  permission: string;
  search: (ctx: RequestContext, query: SearchQuery) => Promise<readonly SearchHit[]>;
}

export function defineSearchProvider(input: SearchProviderInput): SearchProvider {
  if (!/^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/.test(input.type)) {
    throw new Error(`Search provider type "${input.type}" must look like "addon.noun"`);
  }
  return { kind: 'search-provider', ...input };
}

/** Folds accents and case as `core_search_norm` does (NFKD, marks removed, ß → ss, æ → ae, ø → o...). */
export function foldSearchText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ßæœøłđþ]/g, (c) => FOLD[c] ?? c)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '');
}

const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', þ: 'th' };

/** The words of a query as providers get them (`SearchQuery.terms`). Empty: nothing to look for. */
export function searchTerms(q: string): string[] {
  const words = foldSearchText(q)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 2);
  return [...new Set(words)].sort((a, b) => b.length - a.length || a.localeCompare(b)).slice(0, 8);
}
