import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Global search: the extensions its providers use (pg_trgm for prefix and typo matching,
 * unaccent for folding accents, btree_gin so one GIN index holds tenant_id and the trigrams) and
 * `core_search_norm(text)`, an IMMUTABLE fold (lowercase, accents removed with the unaccent
 * dictionary named explicitly) that generated columns and expression indexes may use. Plain
 * `unaccent(text)` is only STABLE (it looks its dictionary up through search_path), so it cannot
 * be indexed. The query words are folded the same way by the SDK (`searchTerms`).
 *
 * Also `core_export`: background exports (an addon's `defineExport`, built by the `core.export.run`
 * job for one user; the file kept until `expires_at`, downloaded by signed link).
 */
export class CoreSearchExports0021 extends Migration {
  override name = 'CoreSearchExports0021';

  override up(): void {
    this.addSql('create extension if not exists pg_trgm');
    this.addSql('create extension if not exists unaccent');
    this.addSql('create extension if not exists btree_gin');
    this.addSql(`create or replace function core_search_norm(text) returns text
      language sql immutable strict parallel safe
      set search_path = pg_catalog, public
      as $$ select lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);
    this.addSql(`create table core_export (
      ${tid},
      id uuid not null default gen_random_uuid(),
      user_id uuid not null,
      name varchar(80) not null,
      params jsonb not null default '{}',
      status varchar(16) not null default 'queued' check (status in ('queued', 'running', 'done', 'failed')),
      rows integer,
      filename varchar(200),
      content_type varchar(100),
      content bytea,
      size integer,
      error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      expires_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, user_id) references core_user (tenant_id, id) on delete cascade
    )`);
    this.addSql('create index core_export_user_idx on core_export (tenant_id, user_id, created_at desc)');
    for (const sql of tenantPolicySql('core_export')) this.addSql(sql);
  }
}
