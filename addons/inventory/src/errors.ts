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
  serialCounted: (path: string) =>
    bad('INVENTORY_SERIAL_QUANTITY', 'A serial number is counted 0 or 1', path, 'must be 0 or 1 for a serial number'),
  serialTwice: (path: string, name: string) =>
    bad('INVENTORY_SERIAL_COUNTED', `Serial ${name} is already counted on this sheet`, path, 'is already counted', 409),
  ambiguous: (path: string, name: string, skus: string[]) =>
    bad(
      'INVENTORY_LOT_AMBIGUOUS',
      `${name} is a lot of several products (${skus.join(', ')}): scan the product, then the lot`,
      path,
      'names lots of several products',
      409,
    ),
  trackingLocked: () =>
    new ConflictError('INVENTORY_TRACKING_LOCKED', 'The tracking of a product with stock or moves cannot change', [
      { path: 'tracking', message: 'is locked by the product’s stock moves' },
    ]),
};

/** Warehouses and locations (services/location-tree.service.ts). */
export const locationErrors = {
  locked: (path: string, fullName: string, why: string) =>
    bad('INVENTORY_LOCATION_LOCKED', `${fullName} cannot be changed here: ${why}`, path, why, 409),
  hasStock: (fullName: string, onHand: string, products: number) =>
    bad(
      'INVENTORY_LOCATION_HAS_STOCK',
      `${fullName} still holds stock (${onHand} on hand of ${products} product${products === 1 ? '' : 's'}): move it out or count it to zero first`,
      'active',
      `cannot be false while ${fullName} holds stock`,
      409,
    ),
  taken: (fullName: string) =>
    new ConflictError('ALREADY_EXISTS', `A location ${fullName} already exists`, [
      { path: 'name', message: `is already taken: ${fullName} exists` },
    ]),
  archived: (path: string, fullName: string) =>
    bad('INVENTORY_LOCATION_ARCHIVED', `${fullName} is archived`, path, `is archived (${fullName})`),
};

/** Landed costs (services/landed-costs.service.ts). */
export const landedErrors = {
  state: (what: string) =>
    bad(
      'INVENTORY_LANDED_COST_STATE',
      `Landed costs apply to done receipts only: this operation is ${what}`,
      'operationId',
      `is ${what}, not a done receipt`,
      409,
    ),
  noLines: () =>
    bad(
      'INVENTORY_LANDED_COST_NO_LINES',
      'The receipt has no valued lines to carry a landed cost',
      'operationId',
      'has no lines of stockable products',
      409,
    ),
  field: (path: string, message: string) => bad('VALIDATION_FAILED', `Invalid ${path}`, path, message),
};
