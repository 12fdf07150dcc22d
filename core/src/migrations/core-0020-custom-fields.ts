import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Custom fields: a tenant's field definitions per opted-in model. Values live in each model's
 * `custom jsonb` column (added by the model's addon), keyed by `key`, which never changes.
 *
 * The two functions read a value for filters, sorts and the platform's expression indexes.
 * They are plpgsql (never inlined, so the planner sees them, not `->>`) and LEAKPROOF when the
 * migrating role may say so (a superuser): under forced row-level security PostgreSQL uses an
 * index for a condition only when every function in it is leakproof, and `->>` is not. They
 * cannot raise an error for any input (the number one returns null for what is not a number),
 * which is what leakproof promises. Without a superuser they are created without the flag:
 * everything works, filters scan the tenant's rows (docs/architecture.md § Custom fields).
 */
export class CoreCustomFields0020 extends Migration {
  override up(): void {
    this.addSql(`create table core_custom_field (
      ${tid},
      id uuid not null default gen_random_uuid(),
      model varchar(64) not null,
      key varchar(40) not null check (key ~ '^[a-z][a-z0-9_]{0,39}$'),
      label varchar(120) not null,
      help_text varchar(500),
      type varchar(20) not null check (type in ('text', 'number', 'money', 'date', 'select', 'multiselect', 'checkbox', 'link', 'url', 'email', 'phone')),
      required boolean not null default false,
      default_value jsonb,
      options jsonb not null default '[]',
      link_model varchar(64),
      visible_to text[],
      filterable boolean not null default false,
      position integer not null default 0,
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, id),
      unique (tenant_id, model, key)
    )`);
    this.addSql('create index core_custom_field_model_idx on core_custom_field (tenant_id, model, position)');
    for (const s of tenantPolicySql('core_custom_field')) this.addSql(s);
    this.addSql(`do $do$
      declare lp text := case when (select rolsuper from pg_roles where rolname = current_user) then 'leakproof' else '' end;
      begin
        execute format($f$create or replace function elevate_cf_text(doc jsonb, key text) returns text
          language plpgsql immutable strict parallel safe %s as $b$ begin return doc ->> key; end $b$$f$, lp);
        execute format($f$create or replace function elevate_cf_num(doc jsonb, key text) returns numeric
          language plpgsql immutable strict parallel safe %s as $b$
          declare v text := doc ->> key;
          begin
            if v ~ '^-?[0-9]{1,20}(\\.[0-9]{1,10})?$' then return v::numeric; end if;
            if jsonb_typeof(doc -> key) = 'object' and (doc -> key ->> 'amount') ~ '^-?[0-9]{1,20}(\\.[0-9]{1,10})?$' then
              return (doc -> key ->> 'amount')::numeric;
            end if;
            return null;
          end $b$$f$, lp);
      end $do$`);
  }
}
