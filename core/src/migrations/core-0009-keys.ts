import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * API keys (hashed, with the permissions they carry), where each session was signed in from,
 * TOTP second factors with their backup codes, and the tenant's security settings (require MFA).
 */
export class CoreKeys0009 extends Migration {
  override up(): void {
    this.addSql(`create table core_api_key (
      ${tid},
      id uuid not null,
      name varchar(200) not null,
      prefix varchar(32) not null,
      token_hash text not null,
      permissions text[] not null,
      created_by uuid not null,
      expires_at timestamptz,
      last_used_at timestamptz,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, created_by) references core_user (tenant_id, id) on delete cascade
    )`);
    // Where a session was signed in or last refreshed from (the sessions list).
    this.addSql('alter table core_refresh_token add column user_agent varchar(512)');
    this.addSql('alter table core_refresh_token add column ip varchar(64)');
    this.addSql(
      'create index core_refresh_token_user_idx on core_refresh_token (tenant_id, user_id) where revoked_at is null',
    );
    this.addSql(`create table core_user_mfa (
      ${tid},
      user_id uuid not null,
      secret text not null,
      confirmed_at timestamptz,
      last_step bigint not null default 0,
      created_at timestamptz not null default now(),
      primary key (tenant_id, user_id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql(`create table core_mfa_backup_code (
      ${tid},
      user_id uuid not null,
      code_hash text not null,
      used_at timestamptz,
      primary key (tenant_id, user_id, code_hash),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql(`create table core_security_settings (
      ${tid},
      require_mfa boolean not null default false,
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    for (const t of ['core_api_key', 'core_user_mfa', 'core_mfa_backup_code', 'core_security_settings']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
