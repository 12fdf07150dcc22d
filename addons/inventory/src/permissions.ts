import { definePermissions } from '@elevate/sdk';

// A warehouse operator (member) moves and reserves stock and sees the catalogue; changing
// products, costs and locations is for managers and admins.
export const permissions = definePermissions({
  'inventory.product.read': { title: 'See products', grant: ['admin', 'manager', 'member'] },
  'inventory.product.write': { title: 'Create and change products', grant: ['admin', 'manager'] },
  'inventory.product.delete': { title: 'Delete or archive products', grant: ['admin'] },
  'inventory.cost.write': { title: 'Change product costs', grant: ['admin'] },
  'inventory.location.read': { title: 'See warehouses and locations', grant: ['admin', 'manager', 'member'] },
  'inventory.location.write': { title: 'Create and change warehouses and locations', grant: ['admin'] },
  'inventory.location.delete': { title: 'Delete warehouses and locations', grant: ['admin'] },
  'inventory.move.read': { title: 'See stock and moves', grant: ['admin', 'manager', 'member'] },
  'inventory.move.write': { title: 'Receive, move, adjust and deliver stock', grant: ['admin', 'manager', 'member'] },
  'inventory.reservation.read': { title: 'See reservations', grant: ['admin', 'manager', 'member'] },
  'inventory.reorder.read': { title: 'See reorder rules and suggestions', grant: ['admin', 'manager', 'member'] },
  'inventory.reorder.write': {
    title: 'Change reorder rules; accept and dismiss suggestions',
    grant: ['admin', 'manager'],
  },
  'inventory.reorder.delete': { title: 'Delete reorder rules', grant: ['admin', 'manager'] },
  'inventory.import.read': { title: 'See product imports', grant: ['admin', 'manager'] },
  'inventory.import.write': { title: 'Import products and initial stock from CSV', grant: ['admin', 'manager'] },
  'inventory.reservation.write': { title: 'Reserve and release stock', grant: ['admin', 'manager', 'member'] },
  'inventory.valuation.write': { title: 'Add landed costs to receipts (revalue stock)', grant: ['admin', 'manager'] },
});
