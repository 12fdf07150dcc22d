import { defineSearchProvider, type SearchHit as Hit, type RequestContext, type SearchQuery } from '@elevate/sdk';
import { type SearchHit, search } from './services/search.service.ts';

// The crm's global search providers (Ctrl/Cmd+K): the same search as GET /crm/search, one group
// per kind of record, each hit linking to its page. People and companies come from one call
// (up to `limit` of each), shared by their two providers within the request.
const contactCalls = new WeakMap<RequestContext, Map<string, Promise<SearchHit[]>>>();
function contacts(ctx: RequestContext, query: SearchQuery): Promise<SearchHit[]> {
  let calls = contactCalls.get(ctx);
  if (!calls) {
    calls = new Map();
    contactCalls.set(ctx, calls);
  }
  const key = `${query.limit}:${query.q}`;
  let call = calls.get(key);
  if (!call) {
    call = search(ctx, { q: query.q, limit: query.limit, types: ['contact'], perKind: true });
    calls.set(key, call);
  }
  return call;
}

const link = (hits: readonly SearchHit[], href: string, limit: number): Hit[] =>
  hits
    .slice(0, limit)
    .map((h) => ({ id: h.id, title: h.title, subtitle: h.subtitle, href: `${href}/${h.id}`, score: h.rank }));

export const searchProviders = [
  defineSearchProvider({
    type: 'crm.contact',
    label: 'Contacts',
    labelKey: 'search.contacts',
    permission: 'crm.contact.read',
    search: async (ctx, q) =>
      link(
        (await contacts(ctx, q)).filter((h) => h.kind === 'person'),
        '/crm/contacts',
        q.limit,
      ),
  }),
  defineSearchProvider({
    type: 'crm.company',
    label: 'Companies',
    labelKey: 'search.companies',
    permission: 'crm.contact.read',
    search: async (ctx, q) =>
      link(
        (await contacts(ctx, q)).filter((h) => h.kind === 'company'),
        '/crm/companies',
        q.limit,
      ),
  }),
  defineSearchProvider({
    type: 'crm.lead',
    label: 'Leads',
    labelKey: 'search.leads',
    permission: 'crm.lead.read',
    search: async (ctx, q) =>
      link(await search(ctx, { q: q.q, limit: q.limit, types: ['lead'] }), '/crm/leads', q.limit),
  }),
  defineSearchProvider({
    type: 'crm.opportunity',
    label: 'Opportunities',
    labelKey: 'search.opportunities',
    permission: 'crm.opportunity.read',
    search: async (ctx, q) =>
      link(await search(ctx, { q: q.q, limit: q.limit, types: ['opportunity'] }), '/crm/opportunities', q.limit),
  }),
];
