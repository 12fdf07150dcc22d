import { Migration, searchIndexSql } from '@elevate/sdk';

/**
 * Global search for contacts, companies, leads and opportunities (searchIndexSql, @elevate/sdk):
 * a folded text column per table (`search_norm`), a GIN index of tenant_id and its trigrams, and a
 * SECURITY DEFINER search function per table, so the index is used despite forced row-level
 * security. The tsvector `search` columns stay for the lists' `q` filter.
 */
export class CrmSearch0005 extends Migration {
  override name = 'CrmSearch0005';

  override up(): void {
    const statements = [
      // Names, emails and phones: what people type. Fewer words per row, fewer index candidates.
      ...searchIndexSql({
        table: 'crm_contact',
        columns: ['name', 'email', 'phone'],
        title: 'name',
        functionName: 'crm_search_contacts',
        owned: true,
        partition: 'kind',
        filter: { arg: 'kinds text[]', where: '($5 is null or t.kind = any($5))' },
      }),
      ...searchIndexSql({
        table: 'crm_lead',
        columns: ['title', 'contact_name', 'company_name', 'email', 'phone', 'description'],
        title: 'title',
        functionName: 'crm_search_leads',
        owned: true,
      }),
      ...searchIndexSql({
        table: 'crm_opportunity',
        columns: ['title'],
        title: 'title',
        functionName: 'crm_search_opportunities',
        owned: true,
      }),
    ];
    for (const sql of statements) this.addSql(sql);
  }
}
