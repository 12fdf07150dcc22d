import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Automation rules (trigger + conditions + ordered actions), their runs and each run's steps
 * (core/src/automation/, docs/automation.md); the tables a tenant's record triggers watch; the
 * chain depth of rule-caused events on the outbox (the loop guard).
 */
export class CoreAutomation0015 extends Migration {
  override up(): void {
    this.addSql(`create table core_automation_rule (
      ${tid},
      id uuid not null,
      name varchar(200) not null,
      description varchar(2000) not null default '',
      enabled boolean not null default true,
      trigger jsonb not null,
      conditions jsonb,
      actions jsonb not null,
      owner_id uuid not null,
      -- Authenticates the rule's inbound URL.
      inbound_secret varchar(100),
      -- Signs the rule's outgoing webhook calls (never the inbound secret: a receiver must not be able to trigger the rule).
      signing_secret varchar(100) not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      foreign key (tenant_id, owner_id) references core_user (tenant_id, id)
    )`);
    this.addSql(`create table core_automation_run (
      ${tid},
      id uuid not null,
      rule_id uuid not null,
      -- Idempotency: one run per rule and triggering event (the relay may deliver an event twice).
      event_key varchar(300) not null,
      event_name varchar(200) not null,
      trigger jsonb not null,
      depth int not null default 0,
      status varchar(16) not null default 'queued'
        check (status in ('queued', 'ready', 'running', 'waiting', 'succeeded', 'failed', 'stopped')),
      position int not null default 0,
      attempt int not null default 0,
      resume_at timestamptz,
      reason varchar(1000),
      error varchar(2000),
      failed_step varchar(200),
      dry_run boolean not null default false,
      -- Order in which runs started, across tenants (the fairness test reads it).
      start_seq bigint,
      dispatched_at timestamptz,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      finished_at timestamptz,
      primary key (tenant_id, id),
      foreign key (tenant_id, rule_id) references core_automation_rule (tenant_id, id) on delete cascade
    )`);
    this.addSql(
      'create unique index core_automation_run_once on core_automation_run (tenant_id, rule_id, event_key) where not dry_run',
    );
    this.addSql(
      "create index core_automation_run_queue on core_automation_run (tenant_id, created_at, id) where status in ('queued', 'ready', 'running')",
    );
    this.addSql("create index core_automation_run_waiting on core_automation_run (resume_at) where status = 'waiting'");
    this.addSql('create index core_automation_run_rule on core_automation_run (tenant_id, rule_id, created_at desc)');
    this.addSql(
      'create index core_automation_run_finished on core_automation_run (finished_at) where finished_at is not null',
    );
    this.addSql(`create table core_automation_step (
      ${tid},
      run_id uuid not null,
      step_key varchar(200) not null,
      seq int not null,
      action varchar(200) not null,
      status varchar(16) not null check (status in ('succeeded', 'failed', 'retrying', 'skipped', 'waiting')),
      input jsonb,
      output jsonb,
      error varchar(2000),
      attempts int not null default 1,
      duration_ms int,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      primary key (tenant_id, run_id, step_key),
      foreign key (tenant_id, run_id) references core_automation_run (tenant_id, id) on delete cascade
    )`);
    this.addSql(`create table core_automation_watch (
      ${tid},
      table_name varchar(128) not null,
      primary key (tenant_id, table_name)
    )`);
    // Schedule and date triggers: fired up to here (the engine's clock). Apart from the rule, so
    // the tick does not write an audit entry a minute per rule.
    this.addSql(`create table core_automation_cursor (
      ${tid},
      rule_id uuid not null,
      cursor_at timestamptz not null,
      primary key (tenant_id, rule_id),
      foreign key (tenant_id, rule_id) references core_automation_rule (tenant_id, id) on delete cascade
    )`);
    // What actions keep between runs (`ctx.state`: a round-robin pointer), per tenant and key.
    this.addSql(`create table core_automation_state (
      ${tid},
      key varchar(300) not null,
      value jsonb not null,
      updated_at timestamptz not null default now(),
      primary key (tenant_id, key)
    )`);
    this.addSql(`create table core_automation_setting (
      ${tid},
      retention_days int not null default 30 check (retention_days between 1 and 3650),
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    this.addSql('create sequence core_automation_start_seq');
    for (const t of [
      'core_automation_rule',
      'core_automation_run',
      'core_automation_step',
      'core_automation_watch',
      'core_automation_cursor',
      'core_automation_state',
      'core_automation_setting',
    ]) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
    // The schema owner reads every tenant's schedule rules and waiting runs (the engine's tick)
    // and purges old runs (the retention job), like the relay reads the outbox.
    for (const t of [
      'core_automation_rule',
      'core_automation_run',
      'core_automation_cursor',
      'core_automation_setting',
    ]) {
      this.addSql(`do $$ begin
        execute format('create policy engine_all on ${t} to %I using (true) with check (true)', current_user);
      end $$`);
    }

    // The loop guard: an event written in a transaction a rule's action runs in carries the
    // chain's depth (the engine sets app.automation_depth); every other event is depth 0.
    this.addSql(
      "alter table core_outbox add column automation_depth int not null default coalesce(nullif(current_setting('app.automation_depth', true), '')::int, 0)",
    );

    // Record triggers for any model: every audited create/update/delete of a table that one of
    // the tenant's enabled rules watches becomes a `core.record.*` event in the same transaction.
    // Values stay out of the event (the live channel carries it): the engine loads the record.
    this.addSql(`create function core_automation_record_event() returns trigger
      language plpgsql security definer set search_path = public, pg_temp as $f$
    begin
      if new.table_name is null or new.record_id is null or new.action not in ('create', 'update', 'delete') then
        return null;
      end if;
      if not exists (select 1 from core_automation_watch w where w.tenant_id = new.tenant_id and w.table_name = new.table_name) then
        return null;
      end if;
      insert into core_outbox (tenant_id, kind, name, aggregate_id, payload, actor_id)
      values (new.tenant_id, 'event',
        case new.action when 'create' then 'core.record.created' when 'update' then 'core.record.updated' else 'core.record.deleted' end,
        new.table_name || ':' || new.record_id,
        jsonb_build_object('table', new.table_name, 'recordId', new.record_id,
          'changes', case when new.action = 'update' and jsonb_typeof(new.after) = 'object'
            then (select coalesce(jsonb_agg(k), '[]'::jsonb) from jsonb_object_keys(new.after) k) else '[]'::jsonb end),
        new.user_id);
      return null;
    end $f$`);
    this.addSql(
      'create trigger core_automation_record_event after insert on core_audit for each row execute function core_automation_record_event()',
    );
  }
}
