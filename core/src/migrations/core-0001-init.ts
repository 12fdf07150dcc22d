import { Migration, tenantPolicySql } from '@elevate/sdk';

const tenantTables = [
  'core_user',
  'core_role',
  'core_user_role',
  'core_refresh_token',
  'core_tenant_addon',
  'core_tenant_addon_step',
  'core_outbox',
];

/** The kernel's own tables: tenant directory, users and roles, addon state, outbox. */
export class CoreInit0001 extends Migration {
  override up(): void {
    this.addSql(`create table core_tenant (
      id uuid primary key default gen_random_uuid(),
      slug varchar(63) not null unique,
      name varchar(200) not null,
      created_at timestamptz not null default now()
    )`);
    this.addSql(`create table core_addon_install (
      addon_id varchar(64) primary key,
      version varchar(32) not null,
      installed_at timestamptz not null default now(),
      upgraded_at timestamptz
    )`);
    const tid =
      "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";
    this.addSql(`create table core_user (
      ${tid},
      id uuid not null default gen_random_uuid(),
      email varchar(320) not null,
      name varchar(200) not null,
      password_hash text not null,
      active boolean not null default true,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`);
    this.addSql('create unique index core_user_email_uq on core_user (tenant_id, lower(email))');
    this.addSql(`create table core_role (
      ${tid},
      id uuid not null default gen_random_uuid(),
      key varchar(64) not null,
      name varchar(200) not null,
      permissions text[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, key)
    )`);
    this.addSql(`create table core_user_role (
      ${tid},
      user_id uuid not null,
      role_id uuid not null,
      primary key (tenant_id, user_id, role_id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade,
      foreign key (tenant_id, role_id) references core_role (tenant_id, id) on delete cascade
    )`);
    this.addSql(`create table core_refresh_token (
      ${tid},
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      family_id uuid not null,
      token_hash text not null,
      expires_at timestamptz not null,
      revoked_at timestamptz,
      replaced_by uuid,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_refresh_token_family_idx on core_refresh_token (tenant_id, family_id)');
    this.addSql(`create table core_tenant_addon (
      ${tid},
      addon_id varchar(64) not null,
      version varchar(32) not null,
      enabled boolean not null,
      settings jsonb not null default '{}',
      enabled_at timestamptz,
      disabled_at timestamptz,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, addon_id)
    )`);
    this.addSql(`create table core_tenant_addon_step (
      ${tid},
      addon_id varchar(64) not null,
      step_id varchar(128) not null,
      applied_at timestamptz not null default now(),
      primary key (tenant_id, addon_id, step_id)
    )`);
    this.addSql(`create table core_outbox (
      ${tid},
      id bigint generated always as identity,
      kind varchar(16) not null check (kind in ('event', 'job')),
      name varchar(128) not null,
      aggregate_id varchar(128) not null,
      payload jsonb not null,
      actor_id uuid,
      job_id varchar(128),
      created_at timestamptz not null default now(),
      relayed_at timestamptz,
      delivered text[] not null default '{}',
      attempts integer not null default 0,
      last_error text,
      next_attempt_at timestamptz,
      failed_at timestamptz,
      primary key (tenant_id, id)
    )`);
    this.addSql('create index core_outbox_pending_idx on core_outbox (id) where relayed_at is null');
    this.addSql('create index core_outbox_job_idx on core_outbox (tenant_id, job_id) where job_id is not null');
    for (const t of tenantTables) for (const s of tenantPolicySql(t)) this.addSql(s);
    // The relay (connected as the schema owner) drains every tenant's outbox. Forced RLS
    // applies to owners too, so the owner gets its own policy on this one table.
    this.addSql(`do $$ begin
      execute format('create policy relay_all on core_outbox to %I using (true) with check (true)', current_user);
    end $$`);
  }
}
