import { ConflictError, defineResource } from '@elevate/sdk';
import { ReorderRule, Replenishment } from '../models/reorder.model.ts';
import { checkRuleInput } from './reorder.service.ts';

/** Reorder rules: CRUD through the resource layer, with the rule checks in front of every write. */
export const reorderRules = defineResource(ReorderRule, {
  path: 'reorder-rules',
  filters: ['product', 'warehouse', 'active'],
  readOnly: ['armed'],
  hooks: {
    async beforeWrite(ctx, input, existing) {
      await checkRuleInput(ctx, input, existing ?? undefined);
      const product = String(input.product ?? existing?.product);
      const warehouse = String(input.warehouse ?? existing?.warehouse);
      const same = await ctx.db.repo(ReorderRule).find({ where: { product, warehouse }, limit: 2 });
      if (same.some((r) => r.id !== existing?.id)) {
        throw new ConflictError('ALREADY_EXISTS', 'This product already has a reorder rule in this warehouse', [
          { path: 'product', message: 'has a rule in this warehouse already' },
        ]);
      }
      return input;
    },
  },
});

/** Suggestions are raised by the rules and handled through accept / dismiss (reorder.routes.ts). */
export const replenishments = defineResource(Replenishment, {
  path: 'replenishments',
  operations: ['list', 'get'],
  filters: ['rule', 'product', 'warehouse', 'state'],
});
