import { type ActionContext, defineAction, ValidationError } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { updateContact } from '../services/contacts.service.ts';
import { updateLead } from '../services/leads.service.ts';
import { updateOpportunity } from '../services/opportunities.service.ts';
import { crmRecord } from './record-of.ts';

/** Open records each member owns, per model: what load balancing counts. */
const OPEN: Record<string, string> = {
  'crm.lead':
    "select owner_id, count(*)::int as n from crm_lead where tenant_id = $1 and owner_id = any($2) and status not in ('converted', 'disqualified') group by owner_id",
  'crm.opportunity':
    "select owner_id, count(*)::int as n from crm_opportunity where tenant_id = $1 and owner_id = any($2) and status = 'open' group by owner_id",
  'crm.contact':
    'select owner_id, count(*)::int as n from crm_contact where tenant_id = $1 and owner_id = any($2) group by owner_id',
};

/** The next member after the last one this team's round-robin chose (kept in the action's state). */
async function roundRobin(ctx: ActionContext, teamId: string, members: string[]): Promise<string> {
  return ctx.state.update<string>(`rr:${teamId}`, (last) => {
    const i = last ? members.indexOf(last) : -1;
    return members[(i + 1) % members.length] as string;
  });
}

/** The member with the fewest open records of the model (ties: the round-robin order, by id). */
async function leastLoaded(ctx: ActionContext, model: string, members: string[]): Promise<string> {
  const rows = await ctx.db.query<{ owner_id: string; n: number }>(OPEN[model] as string, [ctx.tenant.id, members]);
  const load = new Map(rows.map((r) => [r.owner_id, r.n]));
  return [...members].sort((a, b) => (load.get(a) ?? 0) - (load.get(b) ?? 0) || a.localeCompare(b))[0] as string;
}

/** Round-robin or load-balanced assignment among a team's members (issue 12 item 4). */
export const assignOwnerAction = defineAction<
  { teamId: string; strategy: 'round_robin' | 'load_balanced' },
  { ownerId: string; strategy: string }
>({
  name: 'crm.assign_owner',
  title: 'Assign an owner from a team',
  description:
    'Round-robin: members in turn. Load-balanced: the member with the fewest open records of that kind. For leads, contacts and opportunities.',
  params: {
    type: 'object',
    additionalProperties: false,
    required: ['teamId', 'strategy'],
    properties: {
      teamId: { type: 'string', format: 'uuid', title: 'Team', 'x-widget': 'team' },
      strategy: { enum: ['round_robin', 'load_balanced'], title: 'How' },
    },
  },
  result: { type: 'object', properties: { ownerId: { type: 'string' }, strategy: { type: 'string' } } },
  describe: (p, info) =>
    messages.text(info.language, 'describe.crm.assign_owner', { teamId: p.teamId, strategy: p.strategy }),
  async run(p, ctx) {
    const { model, id } = crmRecord(ctx, ['crm.lead', 'crm.opportunity', 'crm.contact'], 'teamId');
    const members = (await ctx.teamMembers(p.teamId)).map((m) => m.id);
    if (!members.length) {
      throw new ValidationError('The team has no active members', [
        { path: 'teamId', message: 'has no active members' },
      ]);
    }
    const ownerId =
      p.strategy === 'round_robin' ? await roundRobin(ctx, p.teamId, members) : await leastLoaded(ctx, model, members);
    const owner = await ctx.asOwner();
    if (model === 'crm.lead') await updateLead(owner, id, { ownerId });
    else if (model === 'crm.opportunity') await updateOpportunity(owner, id, { ownerId });
    else await updateContact(owner, id, { ownerId });
    // The new owner hears of it (their preference for crm.assignment decides how).
    const rec = ctx.trigger.record as { name?: string; title?: string; kind?: string } | null;
    const path =
      model === 'crm.lead'
        ? 'leads'
        : model === 'crm.opportunity'
          ? 'opportunities'
          : rec?.kind === 'company'
            ? 'companies'
            : 'contacts';
    await ctx.notifications.send({
      userId: ownerId,
      type: 'crm.assignment',
      title: (lang) =>
        messages
          .text(lang, 'notify.assigned', { name: rec?.title ?? rec?.name ?? messages.text(lang, 'notify.aRecord') })
          .slice(0, 200),
      link: `/crm/${path}/${id}`,
    });
    return { ownerId, strategy: p.strategy };
  },
});
