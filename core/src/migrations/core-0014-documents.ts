import { Migration, tenantPolicySql } from '@elevate/sdk';

const tid =
  "tenant_id uuid not null default nullif(current_setting('app.tenant_id', true), '')::uuid references core_tenant(id) on delete cascade";

/**
 * Business documents: one template per document kind a tenant admin adjusts, the company block
 * and legal footer printed on them, and the generated PDFs attached to records.
 */
export class CoreDocuments0014 extends Migration {
  override up(): void {
    this.addSql(`create table core_document_template (
      ${tid},
      kind varchar(16) not null check (kind in ('quote', 'invoice', 'delivery')),
      title varchar(80),
      accent_color varchar(7),
      logo text,
      show_logo boolean not null default true,
      columns text[],
      footer_text varchar(2000),
      default_notes varchar(4000),
      updated_at timestamptz not null default now(),
      primary key (tenant_id, kind)
    )`);
    this.addSql(`create table core_document_profile (
      ${tid},
      legal_name varchar(200),
      address text[] not null default '{}',
      email varchar(320),
      phone varchar(50),
      tax_id varchar(50),
      legal_footer varchar(2000),
      updated_at timestamptz not null default now(),
      primary key (tenant_id)
    )`);
    this.addSql(`create table core_document (
      ${tid},
      id uuid not null,
      kind varchar(16) not null check (kind in ('quote', 'invoice', 'delivery')),
      number varchar(100) not null,
      record_model varchar(100) not null,
      record_id varchar(100) not null,
      filename varchar(200) not null,
      content bytea not null,
      size integer not null,
      sha256 char(64) not null,
      created_by uuid,
      created_at timestamptz not null default now(),
      primary key (tenant_id, id)
    )`);
    this.addSql(
      'create index core_document_record_idx on core_document (tenant_id, record_model, record_id, created_at desc)',
    );
    for (const t of ['core_document_template', 'core_document_profile', 'core_document']) {
      for (const s of tenantPolicySql(t)) this.addSql(s);
    }
  }
}
