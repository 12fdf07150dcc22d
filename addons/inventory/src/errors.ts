import { AppError, ConflictError, ValidationError } from '@elevate/sdk';

export interface Shortfall {
  productId: string;
  sku: string;
  locationId: string;
  location: string;
  requested: string;
  available: string;
  shortfall: string;
}

export const inventoryErrors = {
  insufficient: (s: Shortfall) =>
    new ConflictError(
      'INVENTORY_INSUFFICIENT_STOCK',
      `Not enough ${s.sku} at ${s.location}: ${s.requested} asked, ${s.available} available, ${s.shortfall} short`,
      [{ path: 'quantity', message: `is ${s.shortfall} more than available`, ...s }],
    ),
  badBarcode: (message: string, path = 'barcode') =>
    new ValidationError(`Invalid barcode: ${message}`, [{ path, message }]),
  uomKind: (path: string) =>
    new ValidationError('The unit is of another kind than the product’s stock unit', [
      { path, message: 'must be of the same kind (unit, weight, ...) as the stock unit' },
    ]),
  notFound: (what: string, path: string) =>
    new ValidationError(`No such ${what}`, [{ path, message: `refers to no ${what} of this company` }]),
  service: (path = 'productId') =>
    new ValidationError('A service product has no stock', [
      { path, message: 'is a service; services are not stocked' },
    ]),
  moveState: (state: string, action: string) =>
    new ConflictError('INVENTORY_MOVE_STATE', `A ${state} move cannot be ${action}`, [
      { path: 'state', message: `is ${state}` },
    ]),
  reservationState: (state: string) =>
    new ConflictError('INVENTORY_RESERVATION_STATE', `This reservation is ${state}`, [
      { path: 'state', message: `is ${state}` },
    ]),
  overDeliver: (remaining: string) =>
    new ValidationError('More than the reservation still holds', [
      { path: 'quantity', message: `must be at most ${remaining}` },
    ]),
  quantity: (path: string, message: string) => new ValidationError(`Invalid ${path}`, [{ path, message }]),
  notStockLocation: (path: string) =>
    new ValidationError('Stock is held only in internal locations', [
      { path, message: 'must be an internal location' },
    ]),
  uomChange: () =>
    new ConflictError('INVENTORY_UOM_LOCKED', 'The stock unit of a product with moves cannot change', [
      { path: 'uom', message: 'is locked by the product’s stock moves' },
    ]),
  costForbidden: () =>
    new AppError('FORBIDDEN', 'Changing costs needs inventory.cost.write', {
      status: 403,
      details: [{ path: 'cost', message: 'needs the permission inventory.cost.write' }],
    }),
};

const bad = (code: string, message: string, path: string, detail: string, status = 400) =>
  new AppError(code, message, { status, details: [{ path, message: detail }] });

/** Lots and serial numbers (services/lots.service.ts). */
export const lotErrors = {
  required: (path: string, sku: string) =>
    bad(
      'INVENTORY_LOT_REQUIRED',
      `${sku} is tracked: name the lot or serial numbers`,
      path,
      'is required: the product is tracked by lot or serial',
    ),
  untracked: (path: string, sku: string) =>
    bad(
      'INVENTORY_LOT_UNTRACKED',
      `${sku} is not tracked by lot or serial`,
      path,
      'must be empty: the product has no lots',
    ),
  notFound: (path: string) =>
    bad('INVENTORY_LOT_NOT_FOUND', 'No such lot or serial number', path, 'refers to no lot or serial of this company'),
  otherProduct: (path: string, sku: string) =>
    bad('INVENTORY_LOT_PRODUCT', `This lot is not a lot of ${sku}`, path, `is a lot of another product than ${sku}`),
  serialQuantity: (path: string) =>
    bad('INVENTORY_SERIAL_QUANTITY', 'A serial number is one unit', path, 'must be 1 for a serial number'),
  total: (path: string, expected: string, given: string) =>
    bad(
      'INVENTORY_LOT_QUANTITY',
      `The lots add up to ${given}, the line is ${expected}`,
      path,
      `must add up to ${expected}`,
    ),
  serialCount: (path: string, expected: string, given: number) =>
    bad(
      'INVENTORY_LOT_QUANTITY',
      `${given} serial numbers for ${expected} units`,
      path,
      `must name one serial number per unit: ${expected}, not ${given}`,
    ),
  twice: (path: string, name: string) => bad('INVENTORY_LOT_TWICE', `${name} is given twice`, path, 'is given twice'),
  serialOnHand: (path: string, name: string, location: string) =>
    bad(
      'INVENTORY_SERIAL_ON_HAND',
      `Serial ${name} is already on hand at ${location}`,
      path,
      `is already on hand at ${location}`,
      409,
    ),
  short: (path: string, sku: string, lot: string, location: string, asked: string, free: string) =>
    bad(
      'INVENTORY_INSUFFICIENT_STOCK',
      `Not enough ${sku}${lot ? ` of ${lot}` : ' in lots'} at ${location}: ${asked} asked, ${free} available`,
      path,
      `is more than the ${free} available`,
      409,
    ),
  split: (path: string, sku: string) =>
    bad(
      'INVENTORY_LOT_SPLIT',
      `The ${sku} to move spans several lots: name one, or move them with an operation`,
      path,
      'is required: no single lot holds the quantity',
    ),
  trackingLocked: () =>
    new ConflictError('INVENTORY_TRACKING_LOCKED', 'The tracking of a product with stock or moves cannot change', [
      { path: 'tracking', message: 'is locked by the product’s stock moves' },
    ]),
};
