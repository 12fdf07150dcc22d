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
