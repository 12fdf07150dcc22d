import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Comments with @mentions on records of any commentable model (docs/comments.md), the `digest`
 * notification channel and each user's digest cursor.
 */
export class CoreComments0017 extends Migration {
  override up(): void {
    this.addSql(`create table core_comment (
      ${tid},
      id uuid not null,
      model varchar(100) not null,
      record_id uuid not null,
      parent_id uuid,
      author_id uuid,
      body text not null,
      mentions uuid[] not null default '{}',
      edited_at timestamptz,
      deleted_at timestamptz,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, parent_id) references core_comment (tenant_id, id) on delete cascade,
      foreign key (tenant_id, author_id) references core_user (tenant_id, id) on delete set null (author_id)
    )`);
    this.addSql(
      'create index core_comment_record_idx on core_comment (tenant_id, model, record_id, created_at desc, id desc)',
    );
    this.addSql(
      'create index core_comment_parent_idx on core_comment (tenant_id, parent_id) where parent_id is not null',
    );

    // The daily digest: a channel, and which notifications it has already carried.
    this.addSql('alter table core_notification_pref drop constraint core_notification_pref_channel_check');
    this.addSql(
      `alter table core_notification_pref add constraint core_notification_pref_channel_check
         check (channel in ('in-app', 'email', 'digest', 'off'))`,
    );
    this.addSql('alter table core_notification add column digest boolean not null default false');
    this.addSql('alter table core_notification add column digested_at timestamptz');
    this.addSql(
      'create index core_notification_digest_idx on core_notification (tenant_id, user_id) where digest and digested_at is null and read_at is null',
    );
    this.addSql(`create table core_notification_digest (
      ${tid},
      user_id uuid not null,
      last_local_date date not null,
      sent_at timestamptz not null default now(),
      primary key (tenant_id, user_id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    for (const t of ['core_comment', 'core_notification_digest']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
