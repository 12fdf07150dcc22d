import { type AnyAddon, type RequestContext, type SearchHit, searchTerms } from '@elevate/sdk';

export interface SearchGroup {
  /** The provider's type (`crm.contact`). */
  type: string;
  label: string;
  /** The label's key in the addon's web catalogue (null: the label is all there is). */
  labelKey: string | null;
  addon: string;
  hits: SearchHit[];
}

export interface GlobalSearchInput {
  q: string;
  /** Hits per group (1-50). */
  limit: number;
  /** Only these provider types (unknown ones are ignored). */
  types?: readonly string[] | undefined;
}

/**
 * Asks the search providers of the tenant's enabled addons, in dependency order, and answers one
 * group per provider that found something. A provider whose permission the caller lacks is not
 * asked (its group is absent, not an error); record rules are applied by each provider.
 */
export async function globalSearch(
  addons: readonly AnyAddon[],
  ctx: RequestContext,
  input: GlobalSearchInput,
): Promise<{ q: string; terms: string[]; groups: SearchGroup[] }> {
  const q = input.q.trim();
  const terms = searchTerms(q);
  const groups: SearchGroup[] = [];
  if (!terms.length) return { q, terms, groups };
  const only = input.types?.length ? new Set(input.types) : null;
  for (const addon of addons) {
    if (!ctx.enabledAddons.has(addon.id)) continue;
    for (const provider of addon.search) {
      if (only && !only.has(provider.type)) continue;
      if (!ctx.can(provider.permission)) continue;
      const hits = await provider.search(ctx, { q, terms, limit: input.limit });
      if (hits.length) {
        groups.push({
          type: provider.type,
          label: provider.label,
          labelKey: provider.labelKey ?? null,
          addon: addon.id,
          hits: hits.slice(0, input.limit),
        });
      }
    }
  }
  return { q, terms, groups };
}
