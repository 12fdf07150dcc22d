import { type ActionContext, ValidationError } from '@elevate/sdk';

/** The crm record a rule's trigger is about, or a 400 naming `field` (no retry can fix it). */
export function crmRecord(
  ctx: ActionContext,
  models: readonly string[],
  field: string,
): { model: string; id: string; record: Record<string, unknown> } {
  const { model, recordId, record } = ctx.trigger;
  if (!model || !recordId || !record || !models.includes(model)) {
    throw new ValidationError(`This action needs a trigger about a ${models.join(' or ')}`, [
      { path: field, message: `the trigger is about no ${models.join(' or ')}` },
    ]);
  }
  return { model, id: recordId, record };
}

/** `dueInDays` from the engine's clock, as an ISO date-time. */
export function dueIn(ctx: ActionContext, days: number | undefined): string | null {
  if (days === undefined) return null;
  return new Date(ctx.now().getTime() + days * 86_400_000).toISOString();
}
