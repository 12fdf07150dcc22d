import { Product, Stock } from '@elevate/inventory';
import { NotFoundError, type SystemContext } from '@elevate/sdk';
import { salesErrors } from '../errors.ts';
import {
  OrderCancelled,
  OrderConfirmed,
  OrderCreated,
  OrderDelivered,
  OrderDone,
  type OrderEvent as OrderPayload,
} from '../events.ts';
import { Delivery, DeliveryLine, type DeliveryRow } from '../models/delivery.model.ts';
import { Invoice } from '../models/invoice.model.ts';
import { OrderEvent } from '../models/misc.model.ts';
import { Order, type OrderRow } from '../models/order.model.ts';
import { OrderLine } from '../models/order-line.model.ts';
import type { QuoteRow } from '../models/quote.model.ts';
import { QuoteLine } from '../models/quote-line.model.ts';
import { repoFor } from './access.ts';
import { today } from './clock.ts';
import { exact, quantity4 as q4 } from './decimal.ts';
import { companyAmountsIfRated } from './fx.service.ts';
import { asInput, type LineInput, readLines, resolveLines, writeLines } from './lines.service.ts';
import { nextNumber } from './sequence.service.ts';

export const ORDER_READ = 'sales.order.read';
export const ORDER_WRITE = 'sales.order.write';

export const orderEvent = (o: OrderRow): OrderPayload => ({
  id: o.id,
  number: o.number,
  state: o.state,
  deliveryStatus: o.deliveryStatus,
  ownerId: o.ownerId,
  contactId: o.contact ?? o.company,
  quoteId: o.quote,
  amountTotal: o.amountTotal,
  currency: o.currency,
});

async function timeline(ctx: SystemContext, orderId: string, state: string, note: string | null = null) {
  const seq = (await ctx.db.repo(OrderEvent).count({ order: orderId })) + 1;
  await ctx.db.repo(OrderEvent).insert({ order: orderId, seq, state, note });
}

export interface OrderInput {
  contactId?: string | null;
  /** Internal (automation: an order for a won opportunity); not in the REST body. */
  opportunityId?: string | null;
  companyId?: string | null;
  currency?: string;
  note?: string | null;
  lines?: LineInput[];
}

async function insertOrder(
  ctx: SystemContext,
  fields: {
    quote: QuoteRow | null;
    contact: string | null;
    company: string | null;
    opportunity: string | null;
    currency: string;
    note: string | null;
    ownerId?: string | null;
  },
  lines: LineInput[],
): Promise<OrderRow> {
  const resolved = await resolveLines(ctx, fields.currency, lines);
  const repo = await repoFor(ctx, Order, ORDER_WRITE);
  const order = await repo.insert({
    number: await nextNumber(ctx, 'order', 'SO'),
    quote: fields.quote?.id ?? null,
    contact: fields.contact,
    company: fields.company,
    opportunity: fields.opportunity,
    currency: fields.currency,
    note: fields.note,
    amountUntaxed: resolved.totals.amountUntaxed,
    amountTax: resolved.totals.amountTax,
    amountTotal: resolved.totals.amountTotal,
    ...(fields.ownerId !== undefined ? { ownerId: fields.ownerId } : {}),
  });
  await writeLines(ctx, OrderLine, order.id, resolved.lines, () => ({ delivered: '0', returned: '0' }));
  await timeline(
    ctx,
    order.id,
    'draft',
    fields.quote ? `from quote ${fields.quote.number} v${fields.quote.revision}` : null,
  );
  await ctx.events.publish(OrderCreated, order.id, orderEvent(order));
  return order;
}

export async function createOrder(ctx: SystemContext, input: OrderInput): Promise<OrderRow> {
  if (!input.contactId && !input.companyId)
    throw salesErrors.invalid('contactId', 'a contact or a company is required');
  return insertOrder(
    ctx,
    {
      quote: null,
      contact: input.contactId ?? null,
      company: input.companyId ?? null,
      opportunity: input.opportunityId ?? null,
      currency: (input.currency ?? 'USD').toUpperCase(),
      note: input.note ?? null,
    },
    input.lines ?? [],
  );
}

/** The order of an accepted quote: the same lines, prices and taxes; the quote's owner. */
export async function orderFromQuote(ctx: SystemContext, quote: QuoteRow): Promise<OrderRow> {
  const lines = (await readLines(ctx, QuoteLine, quote.id)).map(asInput);
  return insertOrder(
    ctx,
    {
      quote,
      contact: quote.contact,
      company: quote.company,
      opportunity: quote.opportunity,
      currency: quote.currency,
      note: quote.note,
      ownerId: quote.ownerId,
    },
    lines,
  );
}

export async function orderOf(ctx: SystemContext, id: string, permission = ORDER_READ): Promise<OrderRow> {
  const o = await (await repoFor(ctx, Order, permission)).get(id);
  if (!o) throw new NotFoundError('Order');
  return o;
}

async function transition(
  ctx: SystemContext,
  o: OrderRow,
  from: OrderRow['state'][],
  to: OrderRow['state'],
  action: string,
  extra = '',
) {
  const rows = await ctx.db.query<{ id: string }>(
    `update sales_order set state = $3, updated_at = now()${extra}
      where tenant_id = $1 and id = $2 and state = any($4::text[]) returning id`,
    [ctx.tenant.id, o.id, to, from],
  );
  if (!rows.length) throw salesErrors.orderState((await ctx.db.repo(Order).get(o.id))?.state ?? o.state, action);
}

const reload = async (ctx: SystemContext, id: string) => (await ctx.db.repo(Order).get(id)) as OrderRow;

/**
 * Confirms a draft order: every stocked line reserves its quantity through inventory. The
 * reservation is inventory's atomic conditional update, so orders confirmed at once on scarce
 * stock never oversell; a line that finds too little answers 409 SALES_INSUFFICIENT_STOCK and
 * the whole confirmation rolls back (nothing reserved, still draft).
 */
export async function confirmOrder(ctx: SystemContext, id: string): Promise<OrderRow> {
  const o = await orderOf(ctx, id, ORDER_WRITE);
  await transition(ctx, o, ['draft'], 'confirmed', 'confirmed', ', confirmed_at = now()');
  // The rate of the confirmation day, kept on the order: later rate changes do not move it.
  await ctx.db.repo(Order).update(o.id, await companyAmountsIfRated(ctx, o.currency, today(), o));
  const lines = await readLines(ctx, OrderLine, o.id);
  const products = new Map(
    (await ctx.db.repo(Product).getMany([...new Set(lines.flatMap((l) => (l.product ? [l.product] : [])))])).flatMap(
      (p) => (p ? [[p.id, p]] : []),
    ),
  );
  const stock = await ctx.services.get(Stock);
  const toDeliver: { line: string; quantity: string }[] = [];
  for (const l of lines) {
    const p = l.product ? products.get(l.product) : undefined;
    if (l.kind !== 'product' || !p || p.type === 'service') continue;
    const res = await stock.reserve({
      productId: p.id,
      quantity: l.quantity,
      uomId: l.uomId,
      demand: `sales.order:${o.id}`,
      idempotencyKey: `sales.order_line:${l.id}`,
    });
    if (!res.ok) throw salesErrors.insufficient(l.id, res.shortfall);
    await ctx.db.repo(OrderLine).update(l.id, { reservation: res.reservation.id });
    toDeliver.push({ line: l.id, quantity: res.reservation.quantity });
  }
  if (toDeliver.length) await newDelivery(ctx, o.id, 'delivery', 'waiting', toDeliver, null);
  await timeline(ctx, o.id, 'confirmed');
  const after = await reload(ctx, o.id);
  await ctx.events.publish(OrderConfirmed, o.id, orderEvent(after));
  return after;
}

async function newDelivery(
  ctx: SystemContext,
  orderId: string,
  kind: 'delivery' | 'return',
  state: 'waiting' | 'done',
  lines: { line: string; quantity: string; move?: string }[],
  backorderOf: string | null,
): Promise<DeliveryRow> {
  const d = await ctx.db.repo(Delivery).insert({
    order: orderId,
    kind,
    state,
    backorderOf,
    doneAt: state === 'done' ? new Date().toISOString() : null,
  });
  for (const l of lines) {
    await ctx.db
      .repo(DeliveryLine)
      .insert({ delivery: d.id, orderLine: l.line, quantity: l.quantity, move: l.move ?? null });
  }
  return d;
}

/**
 * Validates the order's waiting delivery: `quantities` (order line id → quantity in the stock
 * unit; default everything still due) leave through inventory as done moves. What is left of
 * the delivery becomes its backorder, a new waiting delivery.
 */
export async function deliverOrder(
  ctx: SystemContext,
  id: string,
  quantities?: Record<string, string>,
): Promise<DeliveryRow> {
  const o = await orderOf(ctx, id, ORDER_WRITE);
  if (o.state !== 'confirmed') throw salesErrors.orderState(o.state, 'delivered');
  // Lock the order: two validations of its delivery at once run one after the other.
  await ctx.db.query('select id from sales_order where tenant_id = $1 and id = $2 for update', [ctx.tenant.id, o.id]);
  const waiting = (await ctx.db.repo(Delivery).find({ where: { order: o.id, state: 'waiting', kind: 'delivery' } }))[0];
  if (!waiting) throw salesErrors.orderState('fully delivered', 'delivered again');
  const due = await ctx.db.repo(DeliveryLine).find({ where: { delivery: waiting.id } });
  const lines = new Map((await readLines(ctx, OrderLine, o.id)).map((l) => [l.id, l]));
  for (const key of Object.keys(quantities ?? {})) {
    if (!due.some((d) => d.orderLine === key)) throw salesErrors.notFound('line to deliver', `lines.${key}`);
  }
  const stock = await ctx.services.get(Stock);
  const done: { line: string; quantity: string; move: string }[] = [];
  const rest: { line: string; quantity: string }[] = [];
  for (const d of due) {
    const line = lines.get(d.orderLine);
    const want = exact(quantities ? (quantities[d.orderLine] ?? '0') : d.quantity);
    const left = exact(d.quantity);
    if (want < 0n || want > left)
      throw salesErrors.invalid(`lines.${d.orderLine}`, `must be between 0 and ${q4(left)}`);
    if (want > 0n && line?.reservation) {
      const move = await stock.deliver(line.reservation, q4(want));
      done.push({ line: d.orderLine, quantity: q4(want), move: move.id });
      await ctx.db.query(
        'update sales_order_line set delivered = delivered + $3::numeric, updated_at = now() where tenant_id = $1 and id = $2',
        [ctx.tenant.id, d.orderLine, q4(want)],
      );
    }
    if (left - want > 0n) rest.push({ line: d.orderLine, quantity: q4(left - want) });
  }
  if (!done.length) throw salesErrors.invalid('lines', 'nothing to deliver');
  // The waiting delivery becomes the record of what left; the rest waits in its backorder.
  await ctx.db.query('delete from sales_delivery_line where tenant_id = $1 and delivery_id = $2', [
    ctx.tenant.id,
    waiting.id,
  ]);
  for (const l of done) {
    await ctx.db
      .repo(DeliveryLine)
      .insert({ delivery: waiting.id, orderLine: l.line, quantity: l.quantity, move: l.move });
  }
  const delivery = (await ctx.db
    .repo(Delivery)
    .update(waiting.id, { state: 'done', doneAt: new Date().toISOString() })) as DeliveryRow;
  if (rest.length) await newDelivery(ctx, o.id, 'delivery', 'waiting', rest, waiting.id);
  const full = rest.length === 0;
  await ctx.db.repo(Order).update(o.id, { deliveryStatus: full ? 'full' : 'partial' });
  await timeline(ctx, o.id, full ? 'delivered' : 'partially delivered');
  await ctx.events.publish(OrderDelivered, o.id, orderEvent(await reload(ctx, o.id)));
  if (full) {
    await transition(ctx, o, ['confirmed'], 'done', 'done');
    await timeline(ctx, o.id, 'done');
    await ctx.events.publish(OrderDone, o.id, orderEvent(await reload(ctx, o.id)));
  }
  return delivery;
}

/**
 * Cancels an order: a draft just ends; a confirmed or done one releases what is still reserved
 * and takes delivered goods back with return moves (one done `return` delivery).
 */
export async function cancelOrder(ctx: SystemContext, id: string): Promise<OrderRow> {
  const o = await orderOf(ctx, id, ORDER_WRITE);
  await transition(ctx, o, ['draft', 'confirmed', 'done'], 'cancelled', 'cancelled', ', cancelled_at = now()');
  if (o.state !== 'draft') {
    const stock = await ctx.services.get(Stock);
    const lines = await readLines(ctx, OrderLine, o.id);
    for (const l of lines) {
      if (!l.reservation) continue;
      if (exact(l.delivered) < exact(l.quantity)) {
        try {
          await stock.release(l.reservation);
        } catch (e) {
          // Fully delivered: the reservation is done, nothing to release.
          if ((e as { code?: string }).code !== 'INVENTORY_RESERVATION_STATE') throw e;
        }
      }
    }
    const moves = await ctx.db.query<{ line: string; move: string; quantity: string }>(
      `select dl.order_line_id as line, dl.move_id as move, dl.quantity::text as quantity
         from sales_delivery_line dl join sales_delivery d on d.tenant_id = dl.tenant_id and d.id = dl.delivery_id
        where dl.tenant_id = $1 and d.order_id = $2 and d.kind = 'delivery' and d.state = 'done' and dl.move_id is not null`,
      [ctx.tenant.id, o.id],
    );
    const back: { line: string; quantity: string; move: string }[] = [];
    for (const m of moves) {
      const ret = await stock.returnDelivered(m.move, m.quantity);
      back.push({ line: m.line, quantity: m.quantity, move: ret.id });
      await ctx.db.query(
        'update sales_order_line set returned = returned + $3::numeric, updated_at = now() where tenant_id = $1 and id = $2',
        [ctx.tenant.id, m.line, m.quantity],
      );
    }
    await ctx.db.query(
      `update sales_delivery set state = 'cancelled', updated_at = now() where tenant_id = $1 and order_id = $2 and state = 'waiting'`,
      [ctx.tenant.id, o.id],
    );
    if (back.length) await newDelivery(ctx, o.id, 'return', 'done', back, null);
  }
  await timeline(ctx, o.id, 'cancelled');
  const after = await reload(ctx, o.id);
  await ctx.events.publish(OrderCancelled, o.id, orderEvent(after));
  return after;
}

/** The order with its lines, deliveries (with their lines) and timeline. */
export async function orderView(ctx: SystemContext, o: OrderRow) {
  const deliveries = await ctx.db.repo(Delivery).find({ where: { order: o.id }, orderBy: [{ field: 'createdAt' }] });
  const dlines = deliveries.length
    ? await ctx.db.repo(DeliveryLine).find({ where: { delivery: { in: deliveries.map((d) => d.id) } } })
    : [];
  return {
    ...o,
    lines: await readLines(ctx, OrderLine, o.id),
    deliveries: deliveries.map((d) => ({ ...d, lines: dlines.filter((l) => l.delivery === d.id) })),
    timeline: await ctx.db.repo(OrderEvent).find({ where: { order: o.id }, orderBy: [{ field: 'seq' }] }),
    invoices: (await ctx.db.repo(Invoice).find({ where: { order: o.id }, orderBy: [{ field: 'createdAt' }] })).map(
      (i) => ({
        id: i.id,
        kind: i.kind,
        number: i.number,
        state: i.state,
        paymentStatus: i.paymentStatus,
        amountTotal: i.amountTotal,
        amountResidual: i.amountResidual,
      }),
    ),
  };
}
