import { type AnyAddon, AppError, NotFoundError, type SeededRole, type TenantInfo } from '@elevate/sdk';
import semver from 'semver';
import { audit } from '../audit/audit.ts';
import { systemContext } from '../context/context.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { type TenantTx, type TxActor, withTenant, withTenantAs } from '../db/tenant-tx.ts';
import { addonDescription, addonTitle } from '../i18n/declared.ts';
import type { AddonStatus } from '../kernel-api.ts';
import type { Runtime } from '../runtime.ts';
import { DEMO } from '../tenancy/demo.ts';
import { dependencyClosure } from './resolve.ts';

interface TenantAddonRow {
  addon_id: string;
  version: string;
  enabled: boolean;
}

/** Per-tenant enable/disable/upgrade of installed addons, with the dependency rules. */
export class TenantAddons {
  private readonly rt: Runtime;
  constructor(rt: Runtime) {
    this.rt = rt;
  }

  private addon(id: string): AnyAddon {
    const a = this.rt.addonsById.get(id);
    if (!a) throw new NotFoundError(`Addon "${id}"`, { code: 'ADDON_NOT_FOUND' });
    return a;
  }

  private async rows(tx: TenantTx): Promise<Map<string, TenantAddonRow>> {
    const rows = await tx.query<TenantAddonRow>(
      'select addon_id, version, enabled from core_tenant_addon where tenant_id = $1',
      [tx.tenantId],
    );
    return new Map(rows.map((r) => [r.addon_id, r]));
  }

  /** Every installed addon and whether the tenant has it on; titles and descriptions in `language`. */
  async list(tenantId: string, language?: string | null): Promise<AddonStatus[]> {
    return withTenant(this.rt.pools.app, tenantId, async (tx) => {
      const state = await this.rows(tx);
      const enabled = (id: string) => state.get(id)?.enabled === true;
      return this.rt.addons.map((a) => ({
        id: a.id,
        title: addonTitle(a, language),
        description: addonDescription(a, language),
        category: a.category,
        icon: a.icon ?? null,
        version: a.version,
        enabled: enabled(a.id),
        tenantVersion: state.get(a.id)?.version ?? null,
        depends: a.depends.map((d) => ({ id: d.addon.id, range: d.range })),
        requiredBy: this.dependents(a.id).filter(enabled),
      }));
    });
  }

  /** Installed addons that declare a dependency on `id`. */
  private dependents(id: string): string[] {
    return this.rt.addons.filter((a) => a.depends.some((d) => d.addon.id === id)).map((a) => a.id);
  }

  /** `actor`: who asked (the audit log's actor; the system when absent). */
  async enable(tenantId: string, addonId: string, actor?: TxActor): Promise<{ enabled: string[] }> {
    const target = this.addon(addonId);
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw new NotFoundError('Tenant');
    const enabledNow: string[] = [];
    // An addon installed in the code but never migrated has no tables: say so instead of enabling it.
    for (const addon of dependencyClosure(target, this.rt.addonsById)) {
      const pending = await pendingMigrations(this.rt.pools.owner, addon.id, addon.migrations);
      if (pending.length) {
        throw new AppError(
          'ADDON_NOT_MIGRATED',
          `Addon "${addon.id}" is installed but its migrations have not run (${pending.join(', ')}): run \`elevate migrate\` first`,
          { status: 409 },
        );
      }
    }
    // Data steps of an upgrade commit one by one, so a failed upgrade resumes where it stopped.
    const before = await withTenant(this.rt.pools.app, tenantId, (tx) => this.rows(tx));
    for (const addon of dependencyClosure(target, this.rt.addonsById)) {
      const row = before.get(addon.id);
      if (row && row.version !== addon.version) await this.applyPendingSteps(tenant, addon);
    }
    await withTenantAs(actor, this.rt.pools.app, tenantId, async (tx) => {
      // Serialise concurrent enable/disable for one tenant.
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`addons:${tenantId}`]);
      const state = await this.rows(tx);
      for (const addon of dependencyClosure(target, this.rt.addonsById)) {
        const row = state.get(addon.id);
        if (row?.enabled && row.version === addon.version) continue;
        const ctx = systemContext(this.rt, tx, tenant, this.rt.log.child({ tenant: tenant.slug, addon: addon.id }));
        if (!row) {
          // Fresh data needs no data migrations: record every step as applied.
          for (const step of addon.lifecycle.upgrade ?? []) {
            await tx.query('insert into core_tenant_addon_step (tenant_id, addon_id, step_id) values ($1, $2, $3)', [
              tenantId,
              addon.id,
              step.id,
            ]);
          }
        }
        await tx.query(
          `insert into core_tenant_addon (tenant_id, addon_id, version, enabled, enabled_at)
           values ($1, $2, $3, true, now())
           on conflict (tenant_id, addon_id) do update set version = excluded.version, enabled = true,
             enabled_at = case when core_tenant_addon.enabled then core_tenant_addon.enabled_at else now() end,
             updated_at = now()`,
          [tenantId, addon.id, addon.version],
        );
        await this.grantDefaults(tx, addon);
        if (!row?.enabled) {
          await addon.lifecycle.enable?.(ctx);
          enabledNow.push(addon.id);
        }
      }
      if (enabledNow.length)
        await audit(tx, { action: 'addon.enable', recordId: addonId, detail: { enabled: enabledNow } });
    });
    await this.changed(tenantId);
    // The demo company gets each addon's sample data the first time the addon is enabled there,
    // whenever that is (`start --demo`, or the marketplace later).
    if (tenant.slug === DEMO.slug) {
      const firstTime = enabledNow.filter((id) => !before.has(id)).map((id) => this.addon(id));
      await this.runDemoHooks(tenant, firstTime);
    }
    return { enabled: enabledNow };
  }

  private async runDemoHooks(tenant: TenantInfo, addons: readonly AnyAddon[]): Promise<void> {
    const withDemo = addons.filter((a) => a.lifecycle.demo);
    if (!withDemo.length) return;
    const owner = await withTenant(this.rt.pools.app, tenant.id, async (tx) => {
      const rows = await tx.query<{ id: string }>(
        `select u.id from core_user u where u.tenant_id = $1
          order by (lower(u.email) = lower($2)) desc, u.created_at limit 1`,
        [tenant.id, DEMO.email],
      );
      return rows[0]?.id ?? null;
    });
    if (!owner) return;
    for (const addon of withDemo) {
      await withTenant(this.rt.pools.app, tenant.id, async (tx) => {
        const log = this.rt.log.child({ tenant: tenant.slug, addon: addon.id, step: 'demo' });
        await addon.lifecycle.demo?.(systemContext(this.rt, tx, tenant, log, owner), owner);
      });
    }
  }

  /** Runs the data steps this tenant has not had yet, in version order, each in its own transaction. */
  private async applyPendingSteps(tenant: TenantInfo, addon: AnyAddon): Promise<void> {
    const steps = [...(addon.lifecycle.upgrade ?? [])].sort((a, b) => semver.compare(a.version, b.version));
    for (const step of steps) {
      await withTenant(this.rt.pools.app, tenant.id, async (tx) => {
        await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`step:${tenant.id}:${addon.id}`]);
        const done = await tx.query(
          'select 1 from core_tenant_addon_step where tenant_id = $3 and addon_id = $1 and step_id = $2',
          [addon.id, step.id, tx.tenantId],
        );
        if (done.length) return;
        const ctx = systemContext(
          this.rt,
          tx,
          tenant,
          this.rt.log.child({ tenant: tenant.slug, addon: addon.id, step: step.id }),
        );
        await step.run(ctx);
        await tx.query('insert into core_tenant_addon_step (tenant_id, addon_id, step_id) values ($1, $2, $3)', [
          tx.tenantId,
          addon.id,
          step.id,
        ]);
        this.rt.log.info({ tenant: tenant.slug, addon: addon.id, step: step.id }, 'data step applied');
      });
    }
  }

  /** Adds the addon's declared default grants to the seeded roles. */
  private async grantDefaults(tx: TenantTx, addon: AnyAddon): Promise<void> {
    const byRole = new Map<SeededRole, string[]>();
    for (const [key, def] of Object.entries(addon.permissions)) {
      for (const grant of def.grant ?? []) {
        // 'member@own' grants 'crm.contact.read@own' to the member role.
        const [role, scope] = grant.split('@') as [SeededRole, string | undefined];
        byRole.set(role, [...(byRole.get(role) ?? []), scope ? `${key}@${scope}` : key]);
      }
    }
    for (const [role, perms] of byRole) {
      if (role === 'owner') continue; // owner holds '*'
      await tx.query(
        `update core_role set permissions = array(select distinct unnest(permissions || $2::text[]) order by 1), updated_at = now()
         where tenant_id = $3 and key = $1`,
        [role, perms, tx.tenantId],
      );
    }
  }

  async disable(tenantId: string, addonId: string, actor?: TxActor): Promise<void> {
    const addon = this.addon(addonId);
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) throw new NotFoundError('Tenant');
    await withTenantAs(actor, this.rt.pools.app, tenantId, async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', [`addons:${tenantId}`]);
      const state = await this.rows(tx);
      if (!state.get(addonId)?.enabled) {
        throw new AppError('ADDON_NOT_ENABLED', `Addon "${addonId}" is not enabled`, { status: 409 });
      }
      const blockers = this.dependents(addonId).filter((id) => state.get(id)?.enabled);
      if (blockers.length) {
        const names = blockers.map((b) => `"${b}"`).join(', ');
        throw new AppError(
          'ADDON_REQUIRED',
          `Cannot disable "${addonId}": the enabled addon${blockers.length > 1 ? 's' : ''} ${names} depend${blockers.length > 1 ? '' : 's'} on it. Disable ${names} first.`,
          { status: 409, details: blockers.map((id) => ({ message: `${id} depends on ${addonId}`, addon: id })) },
        );
      }
      const ctx = systemContext(this.rt, tx, tenant, this.rt.log.child({ tenant: tenant.slug, addon: addonId }));
      await addon.lifecycle.disable?.(ctx);
      await tx.query(
        'update core_tenant_addon set enabled = false, disabled_at = now(), updated_at = now() where tenant_id = $2 and addon_id = $1',
        [addonId, tenantId],
      );
      await audit(tx, { action: 'addon.disable', recordId: addonId });
    });
    await this.changed(tenantId);
  }

  /** Explicit purge of a disabled addon's data for one tenant. */
  async uninstall(tenantId: string, addonId: string, actor?: TxActor): Promise<void> {
    const addon = this.addon(addonId);
    await withTenantAs(actor, this.rt.pools.app, tenantId, async (tx) => {
      const state = await this.rows(tx);
      if (state.get(addonId)?.enabled) {
        throw new AppError('ADDON_ENABLED', `Disable "${addonId}" before removing its data`, { status: 409 });
      }
      // A dependent addon's rows may point into this addon's tables: remove its data first.
      const holders = this.dependents(addonId).filter((id) => state.has(id));
      if (holders.length) {
        const names = holders.map((h) => `"${h}"`).join(', ');
        throw new AppError('ADDON_REQUIRED', `Remove the data of ${names} before removing the data of "${addonId}"`, {
          status: 409,
        });
      }
      for (const model of [...addon.models].reverse()) {
        await tx.query(`delete from "${model.table}" where tenant_id = $1`, [tenantId]);
      }
      await tx.query('delete from core_tenant_addon_step where tenant_id = $2 and addon_id = $1', [addonId, tenantId]);
      await tx.query('delete from core_tenant_addon where tenant_id = $2 and addon_id = $1', [addonId, tenantId]);
      await tx.query('delete from core_tenant_service where tenant_id = $2 and addon_id = $1', [addonId, tenantId]);
      const perms = Object.keys(addon.permissions);
      await tx.query(
        "update core_role set permissions = array(select p from unnest(permissions) p where not split_part(p, '@', 1) = any($1::text[])) where tenant_id = $2",
        [perms, tenantId],
      );
      await audit(tx, { action: 'addon.purge', recordId: addonId });
    });
    await this.changed(tenantId);
  }

  /**
   * Brings every tenant that enabled an older version up to date. A tenant whose data step
   * fails keeps its old version and is reported; the next run resumes after the last step
   * that committed.
   */
  async upgradeAll(
    only?: ReadonlySet<string>,
  ): Promise<{ tenantId: string; addon: string; from: string; to: string; error?: string }[]> {
    const done: { tenantId: string; addon: string; from: string; to: string; error?: string }[] = [];
    const tenants = await this.rt.pools.app.query<{ id: string }>('select id from core_tenant order by created_at');
    for (const { id } of tenants.rows) {
      const rows = await withTenant(this.rt.pools.app, id, (tx) => this.rows(tx));
      for (const addon of this.rt.addons) {
        if (only && !only.has(addon.id)) continue;
        const row = rows.get(addon.id);
        if (!row?.enabled || row.version === addon.version) continue;
        try {
          await this.enable(id, addon.id);
          done.push({ tenantId: id, addon: addon.id, from: row.version, to: addon.version });
        } catch (err) {
          this.rt.log.error({ tenantId: id, addon: addon.id, err }, 'addon upgrade failed; will resume');
          done.push({ tenantId: id, addon: addon.id, from: row.version, to: addon.version, error: String(err) });
        }
      }
    }
    return done;
  }

  /**
   * After the commit: caches, other nodes, and the tenant's job schedulers (created on enable,
   * removed on disable). A scheduler change that fails (Redis down) is logged, not thrown: the
   * change is committed, workers refuse jobs of disabled addons, and start-up reconciles.
   */
  private async changed(tenantId: string): Promise<void> {
    this.rt.invalidateEnabled(tenantId);
    this.rt.onAddonsChanged(tenantId);
    await this.rt
      .syncSchedules(tenantId)
      .catch((err) => this.rt.log.warn({ tenantId, err: String(err) }, 'job schedulers not updated; start-up repairs'));
  }
}
