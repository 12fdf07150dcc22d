import { defineSearchProvider, type RequestContext, type SearchQuery } from '@elevate/sdk';
import { type SearchInput, search } from './services/search.service.ts';

// The crm's global search providers (Ctrl/Cmd+K): the same search as GET /crm/search, one group
// per kind of record, each linking to its page.
const run = async (ctx: RequestContext, query: SearchQuery, input: Omit<SearchInput, 'q' | 'limit'>, href: string) =>
  (await search(ctx, { q: query.q, limit: query.limit, ...input })).map((h) => ({
    id: h.id,
    title: h.title,
    subtitle: h.subtitle,
    href: `${href}/${h.id}`,
    score: h.rank,
  }));

export const searchProviders = [
  defineSearchProvider({
    type: 'crm.contact',
    label: 'Contacts',
    permission: 'crm.contact.read',
    search: (ctx, q) => run(ctx, q, { types: ['contact'], kinds: ['person'] }, '/crm/contacts'),
  }),
  defineSearchProvider({
    type: 'crm.company',
    label: 'Companies',
    permission: 'crm.contact.read',
    search: (ctx, q) => run(ctx, q, { types: ['contact'], kinds: ['company'] }, '/crm/companies'),
  }),
  defineSearchProvider({
    type: 'crm.lead',
    label: 'Leads',
    permission: 'crm.lead.read',
    search: (ctx, q) => run(ctx, q, { types: ['lead'] }, '/crm/leads'),
  }),
  defineSearchProvider({
    type: 'crm.opportunity',
    label: 'Opportunities',
    permission: 'crm.opportunity.read',
    search: (ctx, q) => run(ctx, q, { types: ['opportunity'] }, '/crm/opportunities'),
  }),
];
