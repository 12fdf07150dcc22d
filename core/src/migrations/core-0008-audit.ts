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

    // Values of columns whose name says secret are written as "[redacted]": that they changed, not what to.
    this.addSql(`create function core_audit_redact(j jsonb) returns jsonb language sql immutable as $$
      select coalesce(jsonb_object_agg(key, case when key ~ '(password|secret|token|hash)' then '"[redacted]"'::jsonb else value end), '{}'::jsonb)
      from jsonb_each(j)
    $$`);

    // One statement-level function for insert, update and delete, reading the transition tables
    // (new_rows / old_rows): one insert into core_audit per statement, however many rows it
    // touched. Trigger arguments: the primary key columns (without tenant_id), which name the
    // record and pair old and new rows of an update. Updates record only the fields that
    // changed (updated_at alone is not a change).
    this.addSql(`create function core_audit_capture() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $f$
    declare
      v_user uuid := nullif(current_setting('app.user_id', true), '')::uuid;
      v_key uuid := nullif(current_setting('app.api_key_id', true), '')::uuid;
      v_req text := nullif(current_setting('app.request_id', true), '');
      v_actor text := coalesce(nullif(current_setting('app.actor', true), ''),
        case when nullif(current_setting('app.api_key_id', true), '') is not null then 'api_key'
             when nullif(current_setting('app.user_id', true), '') is not null then 'user' else 'system' end);
      v_rid text;
      v_join text;
    begin
      v_rid := (select string_agg(format('(r.j->>%L)', c), ' || '':'' || ') from unnest(tg_argv) c);
      if tg_op = 'INSERT' then
        execute format($q$insert into core_audit (tenant_id, action, table_name, record_id, after, user_id, api_key_id, actor, request_id)
          select (r.j->>'tenant_id')::uuid, 'create', %L, %s, core_audit_redact(r.j - 'tenant_id'), $1, $2, $3, $4
          from (select to_jsonb(n) as j from new_rows n) r$q$, tg_table_name, v_rid)
          using v_user, v_key, v_actor, v_req;
      elsif tg_op = 'DELETE' then
        -- Rows removed by a tenant's own deletion are not logged (the log goes with the tenant).
        execute format($q$insert into core_audit (tenant_id, action, table_name, record_id, before, user_id, api_key_id, actor, request_id)
          select (r.j->>'tenant_id')::uuid, 'delete', %L, %s, core_audit_redact(r.j - 'tenant_id'), $1, $2, $3, $4
          from (select to_jsonb(o) as j from old_rows o) r
          where exists (select 1 from core_tenant t where t.id = (r.j->>'tenant_id')::uuid)$q$, tg_table_name, v_rid)
          using v_user, v_key, v_actor, v_req;
      else
        v_join := (select string_agg(format('o.%1$I is not distinct from n.%1$I', c), ' and ') from unnest(tg_argv) c);
        execute format($q$insert into core_audit (tenant_id, action, table_name, record_id, before, after, user_id, api_key_id, actor, request_id)
          select (r.j->>'tenant_id')::uuid, 'update', %L, %s, core_audit_redact(d.b), core_audit_redact(d.a), $1, $2, $3, $4
          from (select to_jsonb(o) as oj, to_jsonb(n) as j from old_rows o join new_rows n on n.tenant_id = o.tenant_id and %s) r
          cross join lateral (
            select jsonb_object_agg(k.key, r.oj->k.key) as b, jsonb_object_agg(k.key, k.value) as a
            from jsonb_each(r.j) k where k.key <> 'updated_at' and k.value is distinct from r.oj->k.key
          ) d
          where d.a is not null$q$, tg_table_name, v_rid, v_join)
          using v_user, v_key, v_actor, v_req;
      end if;
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
