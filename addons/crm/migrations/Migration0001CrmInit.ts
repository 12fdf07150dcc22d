import { Migration } from '@elevate/sdk';

/**
 * The crm tables, their full-text search columns and the indexes the lists use. Frozen as
 * literal SQL: later model changes are new generated migrations (`elevate addon migration crm`),
 * diffed against .snapshot-crm.json, never edits of this file.
 */
export class CrmInit0001 extends Migration {
  override name = 'CrmInit0001';

  override up(): void {
    this.addSql(`create table "crm_contact" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "kind" varchar(64) not null default 'person' check ("kind" in ('person', 'company')),
  "name" varchar(200) not null,
  "first_name" varchar(100),
  "last_name" varchar(100),
  "email" varchar(320),
  "phone" varchar(50),
  "job_title" varchar(120),
  "company_id" uuid,
  "website" varchar(300),
  "street" varchar(200),
  "city" varchar(100),
  "postal_code" varchar(20),
  "country" varchar(2),
  "source" varchar(60),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "company_id") references "crm_contact" (tenant_id, id) on delete set null ("company_id"),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_contact_email_idx" on "crm_contact" (tenant_id, "email")`);
    this.addSql(`create index "crm_contact_company_id_idx" on "crm_contact" (tenant_id, "company_id")`);
    this.addSql(`create index "crm_contact_owner_idx" on "crm_contact" (tenant_id, owner_id)`);
    this.addSql(`create index "crm_contact_kind_name_idx" on "crm_contact" (tenant_id, "kind", "name")`);
    this.addSql(`create index "crm_contact_name_idx" on "crm_contact" (tenant_id, "name")`);
    this.addSql(`alter table "crm_contact" enable row level security`);
    this.addSql(`alter table "crm_contact" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_contact" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_tag" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "name" varchar(60) not null,
  "color" varchar(20),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id),
  unique (tenant_id, "name")
)`);
    this.addSql(`alter table "crm_tag" enable row level security`);
    this.addSql(`alter table "crm_tag" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_tag" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_contact_tag" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "contact_id" uuid not null,
  "tag_id" uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "contact_id") references "crm_contact" (tenant_id, id) on delete cascade,
  foreign key (tenant_id, "tag_id") references "crm_tag" (tenant_id, id) on delete cascade
)`);
    this.addSql(`create index "crm_contact_tag_contact_id_idx" on "crm_contact_tag" (tenant_id, "contact_id")`);
    this.addSql(`create index "crm_contact_tag_tag_id_idx" on "crm_contact_tag" (tenant_id, "tag_id")`);
    this.addSql(`alter table "crm_contact_tag" enable row level security`);
    this.addSql(`alter table "crm_contact_tag" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_contact_tag" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_pipeline" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "name" varchar(120) not null,
  "is_default" boolean not null default false,
  "position" integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id)
)`);
    this.addSql(`alter table "crm_pipeline" enable row level security`);
    this.addSql(`alter table "crm_pipeline" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_pipeline" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_stage" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "pipeline_id" uuid not null,
  "name" varchar(120) not null,
  "position" integer not null default 0,
  "probability" integer not null default 0,
  "kind" varchar(64) not null default 'open' check ("kind" in ('open', 'won', 'lost')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "pipeline_id") references "crm_pipeline" (tenant_id, id) on delete cascade
)`);
    this.addSql(`create index "crm_stage_pipeline_id_idx" on "crm_stage" (tenant_id, "pipeline_id")`);
    this.addSql(
      `create index "crm_stage_pipeline_id_position_idx" on "crm_stage" (tenant_id, "pipeline_id", "position")`,
    );
    this.addSql(`alter table "crm_stage" enable row level security`);
    this.addSql(`alter table "crm_stage" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_stage" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_lead" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "title" varchar(200) not null,
  "contact_name" varchar(200),
  "company_name" varchar(200),
  "email" varchar(320),
  "phone" varchar(50),
  "source" varchar(60),
  "status" varchar(64) not null default 'new' check ("status" in ('new', 'contacted', 'qualified', 'converted', 'disqualified')),
  "score" integer not null default 0,
  "value" numeric(18, 4),
  "currency" varchar(3),
  "description" text,
  "contact_id" uuid,
  "converted_at" timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "contact_id") references "crm_contact" (tenant_id, id) on delete set null ("contact_id"),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_lead_email_idx" on "crm_lead" (tenant_id, "email")`);
    this.addSql(`create index "crm_lead_contact_id_idx" on "crm_lead" (tenant_id, "contact_id")`);
    this.addSql(`create index "crm_lead_owner_idx" on "crm_lead" (tenant_id, owner_id)`);
    this.addSql(`create index "crm_lead_status_idx" on "crm_lead" (tenant_id, "status")`);
    this.addSql(`create index "crm_lead_score_idx" on "crm_lead" (tenant_id, "score")`);
    this.addSql(`alter table "crm_lead" enable row level security`);
    this.addSql(`alter table "crm_lead" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_lead" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_opportunity" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "title" varchar(200) not null,
  "contact_id" uuid,
  "lead_id" uuid,
  "pipeline_id" uuid not null,
  "stage_id" uuid not null,
  "position" integer not null default 0,
  "value" numeric(16, 2),
  "currency" varchar(3) not null default 'USD',
  "expected_close_date" date,
  "probability" integer not null default 0,
  "status" varchar(64) not null default 'open' check ("status" in ('open', 'won', 'lost')),
  "lost_reason" text,
  "closed_at" timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "contact_id") references "crm_contact" (tenant_id, id) on delete set null ("contact_id"),
  foreign key (tenant_id, "lead_id") references "crm_lead" (tenant_id, id) on delete set null ("lead_id"),
  foreign key (tenant_id, "pipeline_id") references "crm_pipeline" (tenant_id, id),
  foreign key (tenant_id, "stage_id") references "crm_stage" (tenant_id, id),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_opportunity_contact_id_idx" on "crm_opportunity" (tenant_id, "contact_id")`);
    this.addSql(`create index "crm_opportunity_lead_id_idx" on "crm_opportunity" (tenant_id, "lead_id")`);
    this.addSql(`create index "crm_opportunity_pipeline_id_idx" on "crm_opportunity" (tenant_id, "pipeline_id")`);
    this.addSql(`create index "crm_opportunity_stage_id_idx" on "crm_opportunity" (tenant_id, "stage_id")`);
    this.addSql(`create index "crm_opportunity_owner_idx" on "crm_opportunity" (tenant_id, owner_id)`);
    this.addSql(
      `create index "crm_opportunity_stage_id_position_idx" on "crm_opportunity" (tenant_id, "stage_id", "position")`,
    );
    this.addSql(`create index "crm_opportunity_status_idx" on "crm_opportunity" (tenant_id, "status")`);
    this.addSql(`alter table "crm_opportunity" enable row level security`);
    this.addSql(`alter table "crm_opportunity" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_opportunity" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_activity" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "kind" varchar(64) not null check ("kind" in ('call', 'meeting', 'email', 'task')),
  "subject" varchar(200) not null,
  "description" text,
  "due_at" timestamptz,
  "done" boolean not null default false,
  "done_at" timestamptz,
  "contact_id" uuid,
  "lead_id" uuid,
  "opportunity_id" uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "contact_id") references "crm_contact" (tenant_id, id) on delete set null ("contact_id"),
  foreign key (tenant_id, "lead_id") references "crm_lead" (tenant_id, id) on delete set null ("lead_id"),
  foreign key (tenant_id, "opportunity_id") references "crm_opportunity" (tenant_id, id) on delete set null ("opportunity_id"),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_activity_contact_id_idx" on "crm_activity" (tenant_id, "contact_id")`);
    this.addSql(`create index "crm_activity_lead_id_idx" on "crm_activity" (tenant_id, "lead_id")`);
    this.addSql(`create index "crm_activity_opportunity_id_idx" on "crm_activity" (tenant_id, "opportunity_id")`);
    this.addSql(`create index "crm_activity_owner_idx" on "crm_activity" (tenant_id, owner_id)`);
    this.addSql(`create index "crm_activity_done_due_at_idx" on "crm_activity" (tenant_id, "done", "due_at")`);
    this.addSql(`alter table "crm_activity" enable row level security`);
    this.addSql(`alter table "crm_activity" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_activity" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_note" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "body" text not null,
  "contact_id" uuid,
  "lead_id" uuid,
  "opportunity_id" uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, "contact_id") references "crm_contact" (tenant_id, id) on delete cascade,
  foreign key (tenant_id, "lead_id") references "crm_lead" (tenant_id, id) on delete cascade,
  foreign key (tenant_id, "opportunity_id") references "crm_opportunity" (tenant_id, id) on delete cascade,
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_note_contact_id_idx" on "crm_note" (tenant_id, "contact_id")`);
    this.addSql(`create index "crm_note_lead_id_idx" on "crm_note" (tenant_id, "lead_id")`);
    this.addSql(`create index "crm_note_opportunity_id_idx" on "crm_note" (tenant_id, "opportunity_id")`);
    this.addSql(`create index "crm_note_owner_idx" on "crm_note" (tenant_id, owner_id)`);
    this.addSql(`alter table "crm_note" enable row level security`);
    this.addSql(`alter table "crm_note" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_note" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_segment" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "name" varchar(120) not null,
  "target" varchar(64) not null check ("target" in ('contact', 'lead', 'opportunity')),
  "filter" jsonb not null,
  "shared" boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_segment_owner_idx" on "crm_segment" (tenant_id, owner_id)`);
    this.addSql(`alter table "crm_segment" enable row level security`);
    this.addSql(`alter table "crm_segment" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_segment" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_scoring_rule" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "field" varchar(60) not null,
  "operator" varchar(64) not null check ("operator" in ('equals', 'not_equals', 'contains', 'greater_than', 'less_than', 'is_set')),
  "value" varchar(200),
  "points" integer not null,
  "active" boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  primary key (tenant_id, id)
)`);
    this.addSql(`alter table "crm_scoring_rule" enable row level security`);
    this.addSql(`alter table "crm_scoring_rule" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_scoring_rule" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`create table "crm_import" (
  tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  "status" varchar(64) not null default 'pending' check ("status" in ('pending', 'running', 'completed', 'failed')),
  "filename" varchar(200),
  "mapping" jsonb not null,
  "csv" text not null,
  "total_rows" integer not null default 0,
  "processed_rows" integer not null default 0,
  "imported_rows" integer not null default 0,
  "errors" jsonb not null,
  "job_id" varchar(64),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  created_by uuid,
  owner_id uuid,
  primary key (tenant_id, id),
  foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)
)`);
    this.addSql(`create index "crm_import_owner_idx" on "crm_import" (tenant_id, owner_id)`);
    this.addSql(`alter table "crm_import" enable row level security`);
    this.addSql(`alter table "crm_import" force row level security`);
    this.addSql(
      `create policy tenant_isolation on "crm_import" using (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid) with check (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)`,
    );
    this.addSql(`alter table crm_contact_tag add constraint crm_contact_tag_uq unique (tenant_id, contact_id, tag_id)`);
    this.addSql(`create index crm_contact_tag_tag_idx on crm_contact_tag (tenant_id, tag_id)`);
    this.addSql(`create index crm_contact_email_lower_idx on crm_contact (tenant_id, lower(email))`);
    this.addSql(
      `alter table crm_contact add column search tsvector generated always as (setweight(to_tsvector('simple', coalesce(name, '')), 'A') || setweight(to_tsvector('simple', coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')), 'B') || setweight(to_tsvector('simple', coalesce(job_title, '') || ' ' || coalesce(city, '') || ' ' || coalesce(phone, '')), 'C')) stored`,
    );
    this.addSql(`create index crm_contact_search_idx on crm_contact using gin (search)`);
    this.addSql(
      `alter table crm_lead add column search tsvector generated always as (setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(contact_name, '') || ' ' || coalesce(company_name, '')), 'A') || setweight(to_tsvector('simple', coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')), 'B') || setweight(to_tsvector('simple', coalesce(description, '')), 'D')) stored`,
    );
    this.addSql(`create index crm_lead_search_idx on crm_lead using gin (search)`);
    this.addSql(
      `alter table crm_opportunity add column search tsvector generated always as (setweight(to_tsvector('simple', coalesce(title, '')), 'A')) stored`,
    );
    this.addSql(`create index crm_opportunity_search_idx on crm_opportunity using gin (search)`);
    this.addSql(`create extension if not exists pg_trgm`);
    this.addSql(`create index crm_contact_name_trgm_idx on crm_contact using gin (lower(name) gin_trgm_ops)`);
  }
}
