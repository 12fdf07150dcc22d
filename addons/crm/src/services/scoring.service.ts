import type { SystemContext } from '@elevate/sdk';
import type { LeadRow } from '../graphql/types.graphql.ts';

// Placeholder: filled in by the search/segments/scoring area.
/** Recomputes a lead's score from the tenant's rules and stores it when it changed. */
export async function rescoreLead(_ctx: SystemContext, lead: LeadRow): Promise<LeadRow> {
  return lead;
}
