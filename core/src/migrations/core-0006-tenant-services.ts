import { Migration, tenantPolicySql } from '@elevate/sdk';

/** Which addon implements a service for a tenant when several enabled addons provide it. */
export class CoreTenantServices0006 extends Migration {
  override up(): void {
    this.addSql(`create table core_tenant_service (
      tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
      service_id varchar(128) not null,
      addon_id varchar(32) not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, service_id)
    )`);
    for (const s of tenantPolicySql('core_tenant_service')) this.addSql(s);
  }
}
