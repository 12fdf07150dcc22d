import { Opportunity } from '@elevate/crm';
import { ConflictError, defineAction, ValidationError } from '@elevate/sdk';
import { messages } from '../messages.ts';
import { Order, type OrderRow } from '../models/order.model.ts';
import { confirmOrder, createOrder } from '../services/orders.service.ts';

const MODELS = ['sales.quote', 'crm.opportunity'];

/**
 * "Create a sales order" for a rule about an accepted quote (its order) or a crm opportunity (a
 * draft order for its contact with one line: the opportunity's title at its value). Once per
 * opportunity: a second run finds the order made by the first. Runs as the rule's owner.
 */
export const createOrderAction = defineAction<
  { confirm?: boolean },
  { orderId: string; number: string; state: string; created: boolean }
>({
  name: 'sales.create_order',
  title: 'Create a sales order',
  description:
    'For an accepted quote: its order. For an opportunity (e.g. when it is won): a draft order for its contact with its title and value, once. Optionally confirmed, which reserves the stock.',
  params: {
    type: 'object',
    additionalProperties: false,
    properties: { confirm: { type: 'boolean', title: 'Confirm it (reserve the stock)', default: false } },
  },
  result: {
    type: 'object',
    properties: {
      orderId: { type: 'string' },
      number: { type: 'string' },
      state: { type: 'string' },
      created: { type: 'boolean' },
    },
  },
  describe: (p, info) =>
    messages.text(info.language, 'describe.sales.create_order', { confirm: p.confirm ? 'yes' : 'no' }),
  async run(p, ctx) {
    const { model, recordId } = ctx.trigger;
    if (!model || !recordId || !MODELS.includes(model)) {
      throw new ValidationError('This action needs a trigger about a quote or an opportunity', [
        { path: 'trigger', message: 'the trigger is about no sales.quote or crm.opportunity' },
      ]);
    }
    const owner = await ctx.asOwner();
    let order: OrderRow | undefined;
    let created = false;
    if (model === 'sales.quote') {
      [order] = await ctx.db.repo(Order).find({ where: { quote: recordId }, limit: 1 });
      if (!order) throw new ConflictError('SALES_QUOTE_STATE', 'The quote has no order yet: it must be accepted first');
    } else {
      [order] = await ctx.db.repo(Order).find({ where: { opportunity: recordId }, limit: 1 });
      if (!order) {
        const opp = await ctx.db.repo(Opportunity).get(recordId);
        if (!opp?.contact) {
          throw new ValidationError('The opportunity has no contact to sell to', [
            { path: 'contactId', message: 'the opportunity has no contact' },
          ]);
        }
        order = await createOrder(owner, {
          contactId: opp.contact,
          opportunityId: opp.id,
          currency: opp.currency,
          lines: [{ description: opp.title, unitPrice: opp.value ?? '0' }],
        });
        created = true;
      }
    }
    if (p.confirm && order.state === 'draft') order = await confirmOrder(owner, order.id);
    return { orderId: order.id, number: order.number, state: order.state, created };
  },
});
