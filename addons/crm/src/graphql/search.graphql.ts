import { type GraphQLBuilder, ValidationError } from '@elevate/sdk';
import { SEARCH_TYPES, type SearchHit, type SearchType, search } from '../services/search.service.ts';
import { duplicatesGraphql } from './duplicates.graphql.ts';
import { scoringGraphql } from './scoring.graphql.ts';
import { segmentsGraphql } from './segments.graphql.ts';
import type { CrmTypes } from './types.graphql.ts';

/** Search, segments, lead scoring rules, duplicates and merge. */
export function searchGraphql(b: GraphQLBuilder, types: CrmTypes): void {
  const SearchHitRef = b.objectRef<SearchHit>('SearchHit').implement({
    description: 'One search result: a contact (person or company), a lead or an opportunity',
    fields: (t) => ({
      type: t.exposeString('type', { description: 'contact, lead or opportunity' }),
      id: t.exposeID('id'),
      title: t.exposeString('title'),
      subtitle: t.exposeString('subtitle', { nullable: true }),
      kind: t.exposeString('kind', { nullable: true, description: 'person or company, for contacts' }),
      rank: t.exposeFloat('rank'),
    }),
  });

  b.queryField('search', (t) =>
    t.field({
      type: [SearchHitRef],
      description: 'Ranked, prefix-matched full-text search under the caller’s record rules',
      args: {
        q: t.arg.string({ required: true }),
        types: t.arg.stringList(),
        limit: t.arg.int({ defaultValue: 20 }),
      },
      resolve: (_root, args, ctx) => {
        const unknown = (args.types ?? []).filter((s) => !(SEARCH_TYPES as readonly string[]).includes(s));
        if (unknown.length) {
          throw new ValidationError('Invalid search types', [
            { path: 'types', message: `must be among ${SEARCH_TYPES.join(', ')}` },
          ]);
        }
        if (args.q.length > 200) throw new ValidationError('Invalid search', [{ path: 'q', message: 'is too long' }]);
        return search(ctx, {
          q: args.q,
          types: (args.types ?? undefined) as SearchType[] | undefined,
          limit: args.limit ?? 20,
        });
      },
    }),
  );

  segmentsGraphql(b, types);
  scoringGraphql(b);
  duplicatesGraphql(b, types);
}
