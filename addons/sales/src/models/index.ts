import { Delivery, DeliveryLine } from './delivery.model.ts';
import { OrderEvent, Sequence, ShareLink } from './misc.model.ts';
import { Order } from './order.model.ts';
import { OrderLine } from './order-line.model.ts';
import { Quote } from './quote.model.ts';
import { QuoteLine } from './quote-line.model.ts';
import { Tax } from './tax.model.ts';

/** Every sales model, a referenced model before the models that point at it. */
export const salesModels = [
  Tax,
  Quote,
  QuoteLine,
  Order,
  OrderLine,
  Delivery,
  DeliveryLine,
  OrderEvent,
  ShareLink,
  Sequence,
];
