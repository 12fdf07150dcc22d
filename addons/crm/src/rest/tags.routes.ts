import type { RestRouter } from '@elevate/sdk';
import type { permissions } from '../permissions.ts';
import { mergeTag } from '../services/tags.service.ts';

/** Tag routes beside the tag resource's CRUD: merging one tag into another. */
export function tagRoutes(r: RestRouter<typeof permissions>): void {
  r.post<{ id: string }, { intoId: string }>(
    '/tags/:id/merge',
    {
      permission: 'crm.tag.manage',
      summary: 'Merge this tag into another: its contacts carry the other tag, and this one is deleted',
      body: {
        type: 'object',
        additionalProperties: false,
        required: ['intoId'],
        properties: { intoId: { type: 'string', format: 'uuid' } },
      },
      responses: {
        200: { type: 'object', title: 'CrmTagMerged', required: ['moved'], properties: { moved: { type: 'integer' } } },
      },
    },
    ({ params, body, ctx }) => mergeTag(ctx, params.id, body.intoId),
  );
}
