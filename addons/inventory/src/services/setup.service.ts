import type { SystemContext } from '@elevate/sdk';
import { Uom } from '../models/uom.model.ts';
import { seedLocations } from './locations.service.ts';

const UOMS = [
  { name: 'Units', kind: 'unit', factor: '1' },
  { name: 'Dozen', kind: 'unit', factor: '12' },
  { name: 'Box of 12', kind: 'unit', factor: '12' },
  { name: 'kg', kind: 'weight', factor: '1' },
  { name: 'g', kind: 'weight', factor: '0.001' },
] as const;

/** On enable (idempotent): the units of measure, the virtual locations and a first warehouse. */
export async function onEnable(ctx: SystemContext): Promise<void> {
  const uoms = ctx.db.repo(Uom);
  for (const u of UOMS) {
    if ((await uoms.count({ name: u.name })) === 0) await uoms.insert({ ...u });
  }
  await seedLocations(ctx);
}
