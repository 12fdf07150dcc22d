import { Migration, tenantPolicySql } from '@elevate/sdk';

/**
 * The audit log: an append-only table (the app role may insert and read its tenant's rows,
 * never change or remove them; grants in migrate.ts), its per-tenant retention setting, and the
 * generic trigger function the migrate step attaches to every tenant table (audit-triggers.ts).
 *
 * Who and why come from transaction settings the request sets in its opening round trip:
 * `app.user_id`, `app.api_key_id`, `app.request_id`, `app.actor` (a job or subscriber name).
 */
export class CoreAudit0008 extends Migration {
  override up(): void {
    // No foreign key to core_tenant: a tenant's deletion cascades into its tables, whose delete
    // triggers would then write rows naming a tenant that no longer exists. A trigger on
    // core_tenant removes a deleted tenant's audit rows instead.
    this.addSql(`create table core_audit (
      tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid,
      id bigint generated always as identity,
      at timestamptz not null default now(),
      action varchar(64) not null,
      table_name varchar(128),
      record_id varchar(256),
      user_id uuid,
      api_key_id uuid,
      actor varchar(160) not null,
      request_id varchar(128),
      before jsonb,
      after jsonb,
      detail jsonb,
      primary key (tenant_id, id)
    )`);
    this.addSql('create index core_audit_at_idx on core_audit (tenant_id, at desc, id desc)');
    this.addSql(
      'create index core_audit_record_idx on core_audit (tenant_id, record_id, at desc) where record_id is not null',
    );
    this.addSql(
      'create index core_audit_user_idx on core_audit (tenant_id, user_id, at desc) where user_id is not null',
    );
    this.addSql(`create table core_audit_setting (
      tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
      retention_days integer not null check (retention_days between 1 and 36500),
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    for (const t of ['core_audit', 'core_audit_setting']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
      // The retention purge (and the trigger functions, security definer) run as the schema
      // owner across tenants; forced RLS applies to owners too, so the owner gets its own policy.
      this.addSql(`do $$ begin
        execute format('create policy owner_all on ${t} to %I using (true) with check (true)', current_user);
      end $$`);
    }

    // What the log keeps of a row's columns, by the attach step's spec (one entry per column):
    // '-col' secret, written as "[redacted]" (that it changed, not to what); '~col' unbounded text,
    // JSON or bytes, cut to 1,000 characters (an uploaded file or a logo is not kept twice); '!col'
    // generated (a search vector), left out.
    this.addSql(`create function core_audit_mask(j jsonb, spec text[]) returns jsonb language sql immutable as $$
      select case when spec is null or j is null then j else
        (j - array(select substr(s, 2) from unnest(spec) s where left(s, 1) = '!'))
        || coalesce((select jsonb_object_agg(substr(s, 2), case when left(s, 1) = '-' then '"[redacted]"'::jsonb
              else to_jsonb(left(j->>substr(s, 2), 1000) || '… [' || length(j->>substr(s, 2)) || ' characters]') end)
            from unnest(spec) s
            where left(s, 1) in ('-', '~') and j ? substr(s, 2) and jsonb_typeof(j->substr(s, 2)) <> 'null'
              and (left(s, 1) = '-' or length(j->>substr(s, 2)) > 1000)), '{}'::jsonb)
      end
    $$`);
    // A record's id: its primary key columns (without tenant_id), joined by ':' when there are several.
    this.addSql(`create function core_audit_rid(j jsonb, pk text[]) returns text language sql immutable as $$
      select case when cardinality(pk) = 1 then j->>pk[1]
        else (select string_agg(j->>u.c, ':' order by u.n) from unnest(pk) with ordinality u(c, n)) end
    $$`);

    // One statement-level function for inserts and deletes, reading the transition tables
    // (new_rows / old_rows): one insert into core_audit per statement, however many rows it
    // touched. Trigger arguments: the primary key columns (without tenant_id), which name the
    // record, then '|' and the mask spec of core_audit_mask, if any. Static SQL: PL/pgSQL
    // compiles a trigger function per table, so each table's statements are planned once per connection.
    this.addSql(`create function core_audit_capture() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $f$
    declare
      v_user uuid := nullif(current_setting('app.user_id', true), '')::uuid;
      v_key uuid := nullif(current_setting('app.api_key_id', true), '')::uuid;
      v_req text := nullif(current_setting('app.request_id', true), '');
      v_actor text := coalesce(nullif(current_setting('app.actor', true), ''),
        case when v_key is not null then 'api_key' when v_user is not null then 'user' else 'system' end);
      -- TG_ARGV counts from 0: renumbered from 1 like every other array.
      v_args text[] := array(select u.a from unnest(tg_argv) with ordinality u(a, n) order by u.n);
      v_sep int := array_position(v_args, '|');
      v_pk text[] := case when v_sep is null then v_args else v_args[1:v_sep - 1] end;
      v_secrets text[] := case when v_sep is null then null else v_args[v_sep + 1:] end;
      -- Cheap paths: generated columns dropped with the built-in operator; the mask function only
      -- for a table with a secret column, or a row whose JSON is over 1,000 bytes (pg_column_size: O(1)).
      v_drop text[] := array(select substr(x, 2) from unnest(v_secrets) x where left(x, 1) = '!');
      v_secret bool := exists (select 1 from unnest(v_secrets) x where left(x, 1) = '-');
      -- The common case, one key column: read directly (the CASEs below call no function per row).
      v_pk1 text := case when cardinality(v_pk) = 1 then v_pk[1] end;
    begin
      if tg_op = 'INSERT' then
        insert into core_audit (tenant_id, action, table_name, record_id, after, user_id, api_key_id, actor, request_id)
        select (r.j->>'tenant_id')::uuid, 'create', tg_table_name,
          case when v_pk1 is not null then r.j->>v_pk1 else core_audit_rid(r.j, v_pk) end,
          case when v_secrets is null then r.j - 'tenant_id'
               when not v_secret and pg_column_size(r.j) <= 1000 then r.j - 'tenant_id' - v_drop
               else core_audit_mask(r.j - 'tenant_id', v_secrets) end,
          v_user, v_key, v_actor, v_req
        from (select to_jsonb(n) as j from new_rows n) r;
      elsif tg_op = 'DELETE' then
        -- Rows removed by a tenant's own deletion are not logged (the log goes with the tenant).
        insert into core_audit (tenant_id, action, table_name, record_id, before, user_id, api_key_id, actor, request_id)
        select (r.j->>'tenant_id')::uuid, 'delete', tg_table_name,
          case when v_pk1 is not null then r.j->>v_pk1 else core_audit_rid(r.j, v_pk) end,
          case when v_secrets is null then r.j - 'tenant_id'
               when not v_secret and pg_column_size(r.j) <= 1000 then r.j - 'tenant_id' - v_drop
               else core_audit_mask(r.j - 'tenant_id', v_secrets) end,
          v_user, v_key, v_actor, v_req
        from (select to_jsonb(o) as j from old_rows o) r
        where exists (select 1 from core_tenant t where t.id = (r.j->>'tenant_id')::uuid);
      end if;
      return null;
    end $f$`);

    // Updates, row by row: OLD and NEW are at hand, so no pairing of transition tables (which
    // cost 0.3 ms per single-row update, and more than this on 10,000-row updates). Same
    // arguments, same fields-that-changed rule.
    this.addSql(`create function core_audit_update_row() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $f$
    declare
      v_user uuid := nullif(current_setting('app.user_id', true), '')::uuid;
      v_key uuid := nullif(current_setting('app.api_key_id', true), '')::uuid;
      v_args text[] := array(select u.a from unnest(tg_argv) with ordinality u(a, n) order by u.n);
      v_sep int := array_position(v_args, '|');
      v_pk text[] := case when v_sep is null then v_args else v_args[1:v_sep - 1] end;
      v_secrets text[] := case when v_sep is null then null else v_args[v_sep + 1:] end;
      -- Cheap paths: generated columns dropped with the built-in operator; the mask function only
      -- for a table with a secret column, or a row whose JSON is over 1,000 bytes (pg_column_size: O(1)).
      v_drop text[] := array(select substr(x, 2) from unnest(v_secrets) x where left(x, 1) = '!');
      v_secret bool := exists (select 1 from unnest(v_secrets) x where left(x, 1) = '-');
      o jsonb := to_jsonb(old);
      n jsonb := to_jsonb(new);
      b jsonb;
      a jsonb;
    begin
      select jsonb_object_agg(k.key, o->k.key), jsonb_object_agg(k.key, k.value) into b, a
      from jsonb_each(n) k where k.key <> 'updated_at' and k.value is distinct from o->k.key;
      if a is null then return null; end if;
      if v_secret or pg_column_size(b) + pg_column_size(a) > 1000 then
        b := core_audit_mask(b, v_secrets);
        a := core_audit_mask(a, v_secrets);
      elsif v_secrets is not null then
        b := b - v_drop;
        a := a - v_drop;
      end if;
      insert into core_audit (tenant_id, action, table_name, record_id, before, after, user_id, api_key_id, actor, request_id)
      values ((n->>'tenant_id')::uuid, 'update', tg_table_name,
        case when cardinality(v_pk) = 1 then n->>v_pk[1] else core_audit_rid(n, v_pk) end, b, a, v_user, v_key,
        coalesce(nullif(current_setting('app.actor', true), ''),
          case when v_key is not null then 'api_key' when v_user is not null then 'user' else 'system' end),
        nullif(current_setting('app.request_id', true), ''));
      return null;
    end $f$`);

    // A deleted tenant's audit rows go with it (the owner's policy lets the definer see them).
    this.addSql(`create function core_audit_tenant_gone() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $f$
    begin
      delete from core_audit where tenant_id = old.id;
      return null;
    end $f$`);
    this.addSql(
      'create trigger core_audit_tenant_gone after delete on core_tenant for each row execute function core_audit_tenant_gone()',
    );
  }
}
