import { Migration, tenantPolicySql } from '@elevate/sdk';

/** A tenant's white label: its own logo (a data URL, size-capped by the API) and primary colour. */
export class CoreBranding0003 extends Migration {
  override up(): void {
    this.addSql(`create table core_branding (
      tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
      logo text,
      primary_color varchar(7),
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    for (const s of tenantPolicySql('core_branding')) this.addSql(s);
  }
}
