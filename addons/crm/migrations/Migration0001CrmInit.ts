import { createModelTableSql, Migration } from '@elevate/sdk';
import { crmModels } from '../src/models/index.ts';

/** The crm tables, their full-text search columns and the indexes the lists use. */
export class CrmInit0001 extends Migration {
  override up(): void {
    for (const model of crmModels) {
      for (const s of createModelTableSql(model)) this.addSql(s);
    }
    this.addSql('alter table crm_contact_tag add constraint crm_contact_tag_uq unique (tenant_id, contact_id, tag_id)');
    this.addSql('create index crm_contact_tag_tag_idx on crm_contact_tag (tenant_id, tag_id)');
    this.addSql('create index crm_contact_email_lower_idx on crm_contact (tenant_id, lower(email))');
    // Full-text search: 'simple' (no stemming) so names and emails match as typed; prefix
    // matching with to_tsquery('simple', 'word:*').
    const fts = (table: string, expr: string) => {
      this.addSql(`alter table ${table} add column search tsvector generated always as (${expr}) stored`);
      this.addSql(`create index ${table}_search_idx on ${table} using gin (search)`);
    };
    fts(
      'crm_contact',
      `setweight(to_tsvector('simple', coalesce(name, '')), 'A') || setweight(to_tsvector('simple', coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')), 'B') || setweight(to_tsvector('simple', coalesce(job_title, '') || ' ' || coalesce(city, '') || ' ' || coalesce(phone, '')), 'C')`,
    );
    fts(
      'crm_lead',
      `setweight(to_tsvector('simple', coalesce(title, '')), 'A') || setweight(to_tsvector('simple', coalesce(contact_name, '') || ' ' || coalesce(company_name, '')), 'A') || setweight(to_tsvector('simple', coalesce(email, '') || ' ' || replace(coalesce(email, ''), '@', ' ')), 'B') || setweight(to_tsvector('simple', coalesce(description, '')), 'D')`,
    );
    fts('crm_opportunity', `setweight(to_tsvector('simple', coalesce(title, '')), 'A')`);
    // Similar-name duplicate detection.
    this.addSql('create extension if not exists pg_trgm');
    this.addSql('create index crm_contact_name_trgm_idx on crm_contact using gin (lower(name) gin_trgm_ops)');
  }
}
