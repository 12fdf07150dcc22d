import { defineService, type SystemContext } from '@elevate/sdk';
import { OpportunityStageChanged, OpportunityWon } from '../events.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { firstStage } from './pipelines.service.ts';

// What other addons may do to an opportunity's outcome without a signed-in user (a quote the
// customer accepted through a public link wins its opportunity). The board's own verbs
// (opportunity-stage.service.ts) need a request context for record rules; this acts for the
// tenant, so the caller decides who may trigger it.

export interface OpportunityOutcomeResult {
  id: string;
  /** The status after the call. */
  status: 'open' | 'won' | 'lost';
  /** False when the opportunity was already closed (nothing changed). */
  changed: boolean;
}

export interface OpportunityOutcomeService {
  /**
   * Marks an open opportunity won: moved to the end of its pipeline's first won stage, closed
   * now, probability of that stage; publishes `crm.opportunity.stage_changed` and
   * `crm.opportunity.won`. A won or lost one is left alone (`changed: false`); an unknown id
   * answers null. The row is locked, so two calls at once win it once.
   */
  markWon(opportunityId: string): Promise<OpportunityOutcomeResult | null>;
}

export const OpportunityOutcome = defineService<OpportunityOutcomeService>('crm.opportunity-outcome');

export function opportunityOutcome(ctx: SystemContext): OpportunityOutcomeService {
  return {
    async markWon(opportunityId) {
      const [locked] = await ctx.db.query<{ id: string }>(
        'select id from crm_opportunity where tenant_id = $1 and id = $2 for update',
        [ctx.tenant.id, opportunityId],
      );
      if (!locked) return null;
      const row = await ctx.db.repo(Opportunity).get(opportunityId);
      if (!row) return null;
      if (row.status !== 'open') return { id: row.id, status: row.status, changed: false };
      const stage = await firstStage(ctx, row.pipeline, 'won');
      // The target column's row lock orders concurrent moves into it (as the board does).
      await ctx.db.query('select id from crm_stage where tenant_id = $1 and id = $2 for update', [
        ctx.tenant.id,
        stage.id,
      ]);
      const [end] = await ctx.db.query<{ next: number }>(
        'select coalesce(max(position) + 1, 0)::int as next from crm_opportunity where tenant_id = $1 and stage_id = $2',
        [ctx.tenant.id, stage.id],
      );
      const after = await ctx.db.repo(Opportunity).update(row.id, {
        stage: stage.id,
        position: end?.next ?? 0,
        status: 'won',
        closedAt: new Date().toISOString(),
        probability: stage.probability,
        lostReason: null,
      });
      if (!after) return null;
      // Close the gap the card left in its old column (positions stay 0..n-1).
      await ctx.db.query(
        `update crm_opportunity o set position = r.rn - 1
           from (select id, row_number() over (order by position, id) as rn
                   from crm_opportunity where tenant_id = $1 and stage_id = $2) r
          where o.tenant_id = $1 and o.id = r.id and o.position <> r.rn - 1`,
        [ctx.tenant.id, row.stage],
      );
      if (row.stage !== stage.id) {
        await ctx.events.publish(OpportunityStageChanged, row.id, {
          id: row.id,
          title: row.title,
          fromStageId: row.stage,
          toStageId: stage.id,
          ownerId: row.ownerId,
        });
      }
      await ctx.events.publish(OpportunityWon, row.id, {
        id: row.id,
        title: row.title,
        value: after.value,
        currency: after.currency,
        reason: null,
        ownerId: after.ownerId,
        contactId: after.contact,
      });
      return { id: row.id, status: 'won', changed: true };
    },
  };
}
