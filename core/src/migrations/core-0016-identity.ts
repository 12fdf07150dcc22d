import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * One person, accounts in several companies: `core_identity` holds the password of a person
 * (one row however many companies they belong to) and the companies they joined; each company's
 * `core_user` row points at it. The identity is not a tenant row, so its policy is not the tenant
 * one: a transaction sees (and may change) an identity only through a user of its own company,
 * and a new identity may be inserted (it is invisible until a user points at it).
 *
 * Also: passkeys (WebAuthn credentials) as a second factor, per company account.
 */
export class CoreIdentity0016 extends Migration {
  override up(): void {
    this.addSql(`create table core_identity (
      id uuid primary key,
      password_hash text not null,
      tenant_ids uuid[] not null default '{}',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`);
    this.addSql('alter table core_user add column identity_id uuid');
    // Every existing account becomes its own identity, with its password.
    this.addSql(`do $$ declare u record; begin
      for u in select tenant_id, id, password_hash from core_user loop
        declare i uuid := gen_random_uuid(); begin
          insert into core_identity (id, password_hash, tenant_ids) values (i, u.password_hash, array[u.tenant_id]);
          update core_user set identity_id = i where tenant_id = u.tenant_id and id = u.id;
        end;
      end loop;
    end $$`);
    this.addSql('alter table core_user alter column identity_id set not null');
    this.addSql('alter table core_user add foreign key (identity_id) references core_identity (id)');
    this.addSql('create unique index core_user_identity_uq on core_user (tenant_id, identity_id)');
    this.addSql('create index core_user_identity_idx on core_user (identity_id)');
    this.addSql('alter table core_user drop column password_hash');
    this.addSql('alter table core_identity enable row level security');
    this.addSql('alter table core_identity force row level security');
    // core_user's own policy limits the subquery to the transaction's company.
    this.addSql(`create policy identity_through_user on core_identity
      using (exists (select 1 from core_user u where u.identity_id = core_identity.id))
      with check (true)`);

    this.addSql(`create table core_webauthn_credential (
      ${tid},
      id varchar(512) not null,
      user_id uuid not null,
      public_key bytea not null,
      counter bigint not null default 0,
      transports text[] not null default '{}',
      device_type varchar(32),
      backed_up boolean not null default false,
      name varchar(200) not null,
      last_used_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_webauthn_credential_user_idx on core_webauthn_credential (tenant_id, user_id)');
    // The challenge of a ceremony in progress (registration or sign-in), single use, 5 minutes.
    this.addSql(`create table core_webauthn_challenge (
      ${tid},
      id uuid not null,
      user_id uuid not null,
      kind varchar(16) not null check (kind in ('register', 'authenticate')),
      challenge varchar(128) not null,
      expires_at timestamptz not null,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    for (const t of ['core_webauthn_credential', 'core_webauthn_challenge']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
