import type { RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { parseTypes, search } from '../services/search.service.ts';
import { duplicateRoutes } from './duplicates.routes.ts';
import { scoringRoutes } from './scoring.routes.ts';
import { segmentRoutes } from './segments.routes.ts';

interface SearchQuery {
  q: string;
  types?: string;
  limit: number;
}

const TYPE = '(contact|lead|opportunity)';

/** Search, saved filters (segments), lead scoring rules, duplicates and merge. */
export function searchRoutes(r: RestRouter<typeof permissions>): void {
  r.get<Record<string, string>, SearchQuery>(
    '/search',
    {
      summary: 'Ranked full-text search across contacts, companies, leads and opportunities',
      query: {
        type: 'object',
        required: ['q'],
        additionalProperties: false,
        properties: {
          q: { type: 'string', minLength: 1, maxLength: 200 },
          types: { type: 'string', pattern: `^${TYPE}(,${TYPE})*$` },
          limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
        },
      },
    },
    async ({ query, ctx }) => ({
      data: await search(ctx, { q: query.q, types: parseTypes(query.types), limit: query.limit }),
    }),
  );
  segmentRoutes(r);
  scoringRoutes(r);
  duplicateRoutes(r);
}
