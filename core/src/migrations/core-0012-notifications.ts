import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/** In-app notifications (one row per user told) and each user's channel per notification type. */
export class CoreNotifications0012 extends Migration {
  override up(): void {
    this.addSql(`create table core_notification (
      ${tid},
      id uuid not null,
      user_id uuid not null,
      type varchar(200) not null,
      title varchar(200) not null,
      body varchar(2000),
      link varchar(2000),
      read_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql(
      'create index core_notification_user_idx on core_notification (tenant_id, user_id, created_at desc, id desc)',
    );
    this.addSql(
      'create index core_notification_unread_idx on core_notification (tenant_id, user_id) where read_at is null',
    );
    this.addSql(`create table core_notification_pref (
      ${tid},
      user_id uuid not null,
      type varchar(200) not null,
      channel varchar(16) not null check (channel in ('in-app', 'email', 'off')),
      primary key (tenant_id, user_id, type),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    for (const t of ['core_notification', 'core_notification_pref']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
