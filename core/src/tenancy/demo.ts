import type { TenantInfo } from '@elevate/sdk';
import { systemContext } from '../context/context.ts';
import { withTenant } from '../db/tenant-tx.ts';
import type { TenantAddons } from '../registry/tenant-addons.ts';
import type { Runtime } from '../runtime.ts';
import type { Tenants } from './tenants.ts';

export const DEMO = { slug: 'demo', name: 'Demo Company', email: 'admin@demo.test', password: 'elevate-demo' };

/**
 * Creates (or reuses) the demo tenant, enables every installed addon, and runs each addon's
 * `lifecycle.demo` sample data once — the first time that addon is enabled for the tenant.
 */
export async function seedDemo(
  rt: Runtime,
  tenants: Tenants,
  tenantAddons: TenantAddons,
): Promise<{ tenant: TenantInfo; email: string; password: string }> {
  let tenant = await rt.tenantBySlug(DEMO.slug);
  let ownerId: string | null = null;
  if (!tenant) {
    const created = await tenants.create({
      slug: DEMO.slug,
      name: DEMO.name,
      ownerEmail: DEMO.email,
      ownerPassword: DEMO.password,
      ownerName: 'Demo Admin',
    });
    tenant = created.tenant;
    ownerId = created.owner.id;
  }
  const demoTenant = tenant;
  const before = await tenantAddons.list(demoTenant.id);
  for (const addon of rt.addons) await tenantAddons.enable(demoTenant.id, addon.id);
  const firstTime = rt.addons.filter((a) => a.lifecycle.demo && !before.find((b) => b.id === a.id)?.tenantVersion);
  if (firstTime.length === 0) return { tenant: demoTenant, email: DEMO.email, password: DEMO.password };
  ownerId ??=
    (
      await withTenant(rt.pools.app, demoTenant.id, (tx) =>
        tx.query<{ id: string }>('select id from core_user where tenant_id = $1 and lower(email) = lower($2)', [
          demoTenant.id,
          DEMO.email,
        ]),
      )
    )[0]?.id ?? null;
  const owner = ownerId;
  if (owner) {
    for (const addon of firstTime) {
      await withTenant(rt.pools.app, demoTenant.id, async (tx) => {
        const log = rt.log.child({ tenant: demoTenant.slug, addon: addon.id, step: 'demo' });
        await addon.lifecycle.demo?.(systemContext(rt, tx, demoTenant, log, owner), owner);
      });
    }
  }
  return { tenant: demoTenant, email: DEMO.email, password: DEMO.password };
}
