import { Migration } from '@elevate/sdk';

/**
 * Remembers, per addon, the version every tenant has been brought to, so a start-up with no
 * new addon version skips the per-tenant upgrade scan.
 */
export class CoreAddonTenantsVersion0004 extends Migration {
  override up(): void {
    this.addSql('alter table core_addon_install add column tenants_version varchar(32)');
    this.addSql('update core_addon_install set tenants_version = version');
  }
}
