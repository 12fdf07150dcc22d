import type { DataStep } from '@elevate/sdk';

const LISTS: Record<string, string> = { contact: 'crm.contacts', lead: 'crm.leads', opportunity: 'crm.opportunities' };

/** A segment's ListFilter as a view's query-string filters (`tagIds` comma-separated, numbers as text). */
export function viewFiltersOfSegment(filter: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(filter)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  }
  return out;
}

/**
 * crm 1.1.0: segments become saved views (the lists show views, with counts). Each segment is
 * copied once into the kernel's saved views under its own id (so a rerun adds nothing), with its
 * name, owner and sharing; the segment stays for the API's segment routes.
 */
export const segmentsToViews: DataStep = {
  id: 'crm.segments-to-views',
  version: '1.1.0',
  async run(ctx) {
    const segments = await ctx.db.query<{
      id: string;
      name: string;
      target: string;
      filter: Record<string, unknown>;
      shared: boolean;
      owner_id: string | null;
    }>('select id, name, target, filter, shared, owner_id from crm_segment where tenant_id = $1', [ctx.tenant.id]);
    for (const s of segments) {
      const list = LISTS[s.target];
      if (!list || !s.owner_id) continue;
      // Raw SQL, kept: the SDK has no views service for data steps yet; the table is the kernel's
      // documented saved-views store (core-0019).
      await ctx.db.query(
        `insert into core_saved_view (tenant_id, id, list_id, name, owner_id, shared, filters)
         values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
        [
          ctx.tenant.id,
          s.id,
          list,
          s.name.slice(0, 120),
          s.owner_id,
          s.shared,
          JSON.stringify(viewFiltersOfSegment(s.filter)),
        ],
      );
    }
  },
};
