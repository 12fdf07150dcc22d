import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Comments (docs/comments.md): mentions of teams, the company's edit/delete window, and the
 * function that deletes a record's comments with the record (attached by the kernel to every
 * commentable model's table, comment-purge.ts).
 */
export class CoreCommentTeamsWindow0024 extends Migration {
  override up(): void {
    this.addSql(`alter table core_comment add column team_mentions uuid[] not null default '{}'`);
    this.addSql(`create table core_comment_setting (
      ${tid},
      edit_window_minutes integer not null default 15 check (edit_window_minutes between 0 and 525600),
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    for (const s of tenantPolicySql('core_comment_setting')) this.addSql(s);
    // Statement level with a transition table: a bulk delete of records is one delete of comments.
    // TG_ARGV[0] is the model name (core_comment.model). Mention notifications link to
    // `<record page>#comment-<comment id>`: they go with their comment.
    this.addSql(`create or replace function core_comment_purge() returns trigger language plpgsql as $$
      begin
        with gone as (
          delete from core_comment c using old_rows o
          where c.tenant_id = o.tenant_id and c.model = tg_argv[0] and c.record_id = o.id
          returning c.tenant_id, c.id
        )
        delete from core_notification n using gone g
        where n.tenant_id = g.tenant_id and n.type = 'core.mention' and n.link like '%#comment-' || g.id::text;
        return null;
      end $$`);
  }
}
