import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Mail delivery log, one-time user tokens (password reset, email verification), invitations;
 * the user's language (mail templates) and when their email address was verified.
 */
export class CoreMail0007 extends Migration {
  override up(): void {
    this.addSql(`alter table core_user add column language varchar(16) not null default 'en'`);
    this.addSql('alter table core_user add column email_verified_at timestamptz');
    this.addSql(`create table core_mail_log (
      ${tid},
      id uuid not null,
      to_address varchar(320) not null,
      template varchar(64) not null,
      language varchar(16),
      data jsonb,
      status varchar(16) not null default 'queued' check (status in ('queued', 'retrying', 'sent', 'failed')),
      attempts integer not null default 0,
      last_error text,
      message_id text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      sent_at timestamptz,
      primary key (tenant_id, id)
    )`);
    this.addSql('create index core_mail_log_created_idx on core_mail_log (tenant_id, created_at desc)');
    this.addSql(`create table core_user_token (
      ${tid},
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      purpose varchar(16) not null check (purpose in ('reset', 'verify')),
      token_hash text not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_user_token_user_idx on core_user_token (tenant_id, user_id, purpose)');
    this.addSql(`create table core_invitation (
      ${tid},
      id uuid not null default gen_random_uuid(),
      email varchar(320) not null,
      role_id uuid not null,
      language varchar(16),
      invited_by uuid,
      token_hash text not null,
      expires_at timestamptz not null,
      accepted_at timestamptz,
      accepted_user_id uuid,
      revoked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, role_id) references core_role (tenant_id, id) on delete cascade
    )`);
    this.addSql(
      'create unique index core_invitation_pending_uq on core_invitation (tenant_id, lower(email)) where accepted_at is null and revoked_at is null',
    );
    for (const t of ['core_mail_log', 'core_user_token', 'core_invitation']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
