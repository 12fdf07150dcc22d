import type { TenantInfo } from '@elevate/sdk';
import type { TenantAddons } from '../registry/tenant-addons.ts';
import type { Runtime } from '../runtime.ts';
import type { Tenants } from './tenants.ts';

export const DEMO = { slug: 'demo', name: 'Demo Company', email: 'admin@demo.test', password: 'elevate-demo' };

/**
 * Creates (or reuses) the demo tenant, enables every installed addon, and runs each addon's
 * `lifecycle.demo` sample data once — the first time that addon is enabled for the tenant (also
 * when an addon installed later is enabled there: see TenantAddons.enable).
 */
export async function seedDemo(
  rt: Runtime,
  tenants: Tenants,
  tenantAddons: TenantAddons,
): Promise<{ tenant: TenantInfo; email: string; password: string }> {
  let tenant = await rt.tenantBySlug(DEMO.slug);
  if (!tenant) {
    const created = await tenants.create({
      slug: DEMO.slug,
      name: DEMO.name,
      ownerEmail: DEMO.email,
      ownerPassword: DEMO.password,
      ownerName: 'Demo Admin',
    });
    tenant = created.tenant;
  }
  // Enabling runs each addon's sample data the first time it is enabled here (TenantAddons.enable).
  for (const addon of rt.addons) await tenantAddons.enable(tenant.id, addon.id);
  return { tenant, email: DEMO.email, password: DEMO.password };
}
