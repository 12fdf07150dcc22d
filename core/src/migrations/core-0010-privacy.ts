import { Migration, tenantPolicySql } from '@elevate/sdk';

/**
 * Privacy requests (GDPR/CCPA): export or erase everything about a person, by email. The
 * email is kept only until the request has run (then null; `subject_hash` tells requests of
 * one person apart); an export's JSON file lives in `export` until it is downloaded once or
 * expires. The table is not audited by trigger (its rows carry the person's data): the
 * privacy service writes its own entries, without the values.
 */
export class CorePrivacy0010 extends Migration {
  override up(): void {
    this.addSql(`create table core_privacy_request (
      tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
      id uuid not null,
      kind varchar(16) not null check (kind in ('export', 'erase')),
      email varchar(320),
      subject_hash varchar(64) not null,
      status varchar(16) not null default 'pending' check (status in ('pending', 'running', 'done', 'refused', 'failed')),
      progress integer not null default 0,
      reason text,
      result jsonb,
      export jsonb,
      expires_at timestamptz,
      downloaded_at timestamptz,
      created_by uuid,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (tenant_id, id)
    )`);
    this.addSql('create index core_privacy_request_at_idx on core_privacy_request (tenant_id, created_at desc)');
    for (const s of tenantPolicySql('core_privacy_request')) this.addSql(s);
  }
}
