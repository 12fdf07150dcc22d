import { type Money, type RequestContext, selectList } from '@elevate/sdk';
import type { OpportunityRow, PipelineRow, StageRow } from '../graphql/types.graphql.ts';
import { Opportunity } from '../models/opportunity.model.ts';
import { storedMoney } from './amounts.service.ts';
import { OPP_READ } from './opportunity-stage.service.ts';
import { pipelineOrThrow, stagesOf } from './pipelines.service.ts';

export interface BoardColumn {
  stage: StageRow;
  /** Cards in the column the caller may see (all of them, even past `limit`). */
  count: number;
  /**
   * Sum of their values, exact (e.g. "1234.50") — across currencies, so only meaningful when the
   * column has one currency: use `totals`.
   */
  totalValue: string;
  /** Sum of their values per currency (sorted by code; never added across currencies). */
  totals: Money[];
  /** The first `limit` cards, by position. */
  opportunities: OpportunityRow[];
}

export interface Board {
  pipeline: PipelineRow;
  stages: BoardColumn[];
}

type CardRow = OpportunityRow & {
  __rn?: number;
  __count?: number;
  __total?: string;
  __totals?: { currency: string; amount: string }[];
};

/**
 * A pipeline's board under the caller's record rules: stages in order, each with its cards by
 * position and its totals. Three statements whatever the size: pipeline, stages, and the cards
 * with per-stage totals computed by window functions.
 */
export async function board(
  ctx: RequestContext,
  pipelineId: string,
  opts: { limit?: number | null | undefined; ownerId?: string | null | undefined } = {},
): Promise<Board> {
  const owners = await ctx.ownerIds(OPP_READ);
  const pipeline = await pipelineOrThrow(ctx, pipelineId);
  const stages = await stagesOf(ctx, pipeline.id);
  const params: unknown[] = [ctx.tenant.id, pipeline.id, Math.min(Math.max(opts.limit ?? 100, 1), 500)];
  let where = 't.tenant_id = $1 and t.pipeline_id = $2';
  if (owners) {
    params.push(owners);
    where += ` and t.owner_id = any($${params.length}::uuid[])`;
  }
  if (opts.ownerId) {
    params.push(opts.ownerId);
    where += ` and t.owner_id = $${params.length}`;
  }
  // Raw SQL, kept: every column's first cards, count, exact value sum and sums per currency in
  // one statement (window functions per stage, a grouped CTE per stage and currency). Through
  // ctx.em that is three statements per stage (18 for the default pipeline); the board's test
  // bounds its statement count. Not benchmarked; record rule: `owners` above.
  const rows = await ctx.db.query<CardRow>(
    `with sums as (
       select s.stage_id, jsonb_agg(jsonb_build_object('currency', s.currency, 'amount', s.amount::text)
                                    order by s.currency) as totals
         from (select t.stage_id, t.currency, sum(t.value) as amount from crm_opportunity t
                where ${where} and t.value is not null group by t.stage_id, t.currency) s
        group by s.stage_id
     )
     select x.*, coalesce(sums.totals, '[]'::jsonb) as "__totals" from (
       select ${selectList(Opportunity)},
              row_number() over (partition by t.stage_id order by t.position, t.id)::int as "__rn",
              count(*) over (partition by t.stage_id)::int as "__count",
              coalesce(sum(t.value) over (partition by t.stage_id), 0.00)::text as "__total"
         from crm_opportunity t where ${where}
     ) x left join sums on sums.stage_id = x."stage" where "__rn" <= $3 order by "stage", "__rn"`,
    params,
  );
  const columns = new Map<string, BoardColumn>(
    stages.map((stage) => [stage.id, { stage, count: 0, totalValue: '0.00', totals: [], opportunities: [] }]),
  );
  for (const r of rows) {
    const col = columns.get(r.stage);
    if (!col) continue;
    col.count = r.__count ?? 0;
    col.totalValue = r.__total ?? '0.00';
    col.totals = (r.__totals ?? []).map((m) => storedMoney(m.amount, m.currency));
    delete r.__rn;
    delete r.__count;
    delete r.__total;
    delete r.__totals;
    col.opportunities.push(r);
  }
  return { pipeline, stages: [...columns.values()] };
}
