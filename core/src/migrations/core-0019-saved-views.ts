import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Saved views of addon lists (core/src/views/views.ts): filters in the list's filter language,
 * columns (field paths, order, widths), sort and density; private or shared; and each user's
 * default view per list.
 */
export class CoreSavedViews0019 extends Migration {
  override up(): void {
    this.addSql(`create table core_saved_view (
      ${tid},
      id uuid not null,
      list_id varchar(120) not null,
      name varchar(120) not null,
      owner_id uuid not null,
      shared boolean not null default false,
      filters jsonb not null default '{}',
      columns jsonb not null default '[]',
      sort varchar(200),
      density varchar(16) not null default 'comfortable' check (density in ('comfortable', 'compact')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_saved_view_list_idx on core_saved_view (tenant_id, list_id)');
    this.addSql(`create table core_saved_view_default (
      ${tid},
      user_id uuid not null,
      list_id varchar(120) not null,
      view_id uuid not null,
      primary key (tenant_id, user_id, list_id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade,
      foreign key (tenant_id, view_id) references core_saved_view (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_saved_view_default_view_idx on core_saved_view_default (tenant_id, view_id)');
    for (const t of ['core_saved_view', 'core_saved_view_default']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
