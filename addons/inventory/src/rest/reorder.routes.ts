import type { RestRouter } from '@elevate/sdk';
import { inventoryErrors } from '../errors.ts';
import type { permissions } from '../permissions.ts';
import { acceptSuggestion, checkRules, dismissSuggestion } from '../services/reorder.service.ts';

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export function reorderRoutes(r: RestRouter<typeof permissions>): void {
  r.post(
    '/reorder-rules/check',
    {
      permission: 'inventory.reorder.write',
      summary: 'Check every reorder rule now (as the hourly job does); returns the suggestions raised',
    },
    async ({ ctx }) => ({ data: await checkRules(ctx) }),
  );
  for (const [action, run] of [
    ['accept', acceptSuggestion],
    ['dismiss', dismissSuggestion],
  ] as const) {
    r.post<{ id: string }>(
      `/replenishments/:id/${action}`,
      {
        permission: 'inventory.reorder.write',
        summary:
          action === 'accept'
            ? 'Accept a replenishment suggestion: makes a draft receipt of its quantity'
            : 'Dismiss a replenishment suggestion',
      },
      ({ params, ctx }) => {
        if (!isUuid(params.id)) throw inventoryErrors.notFound('suggestion', 'id');
        return run(ctx, params.id);
      },
    );
  }
}
