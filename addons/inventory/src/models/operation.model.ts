import { defineModel, f, type Row } from '@elevate/sdk';
import { Location } from './location.model.ts';

export const OPERATION_KINDS = ['receipt', 'delivery', 'internal', 'adjustment'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];
export const OPERATION_STATES = ['draft', 'done', 'cancelled'] as const;

/**
 * A stock operation (Odoo's "picking"): a receipt, delivery, internal transfer or adjustment with
 * any number of lines, each line one move. Validated as a whole, in one transaction: every line
 * is done, or none is. `from`/`to` are the default ends of its lines.
 */
export const Operation = defineModel({
  name: 'inventory.operation',
  access: 'inventory.move',
  fields: {
    kind: f.enum(OPERATION_KINDS, { required: true, default: 'internal' }),
    state: f.enum(OPERATION_STATES, { required: true, default: 'draft' }),
    reference: f.string({ max: 120 }),
    from: f.ref(() => Location),
    to: f.ref(() => Location),
    /** What it was made from, e.g. `inventory.replenishment:<id>` or `inventory.count:<id>`. */
    origin: f.string({ max: 200 }),
    lineCount: f.integer({ required: true, default: 0 }),
    doneAt: f.datetime(),
    /** Who validated it. */
    doneBy: f.uuid(),
  },
  indexes: [['state'], ['kind', 'state']],
});

export type OperationRow = Row<typeof Operation>;
