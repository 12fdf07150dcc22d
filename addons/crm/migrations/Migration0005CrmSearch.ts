import { Migration } from '@elevate/sdk';

// A function searching one table for the current tenant. SECURITY DEFINER: it runs as the schema
// owner, so the planner may use the trigram GIN index for `<%` (under the app role's forced
// row-level security it may not: pg_trgm's operators are not leakproof, so they are evaluated only
// after the tenant policy, row by row over the tenant's rows). The function applies the same rule
// as the policy itself (tenant_id = app.tenant_id, nothing when unset), and the caller's record
// rule (`owners`, null for every owner). Every word must match a word of the row by prefix or with
// a typo (word_similarity at least 0.5: "mueller" finds Müller, "jon" John); the score weighs the
// title twice. Where the owner is not a superuser (or BYPASSRLS), forced RLS applies inside too:
// the answers stay the same, only slower.
const searchFunction = (
  name: string,
  table: string,
  title: string,
  extraArgs: { sql: string; where: string }[],
) => `create or replace function ${name}(terms text[], ${extraArgs.map((a) => `${a.sql}, `).join('')}owners uuid[], lim integer)
  returns table (id uuid, score real)
  language plpgsql stable security definer
  set search_path = pg_catalog, public
  set pg_trgm.word_similarity_threshold = 0.5
as $fn$
declare tid uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
begin
  if tid is null or coalesce(cardinality(terms), 0) = 0 then return; end if;
  return query execute
    'select t.id, (select sum(word_similarity(w, core_search_norm(coalesce(t.${title}, ''''))) * 2 + word_similarity(w, t.search_norm)) from unnest($2) w)::real as score
       from ${table} t
      where t.tenant_id = $1 and $2[1] <% t.search_norm
        and (select bool_and(w <% t.search_norm) from unnest($2) w)
        ${extraArgs.map((a) => `and ${a.where} `).join('')}and ($3 is null or t.owner_id = any($3))
      order by score desc, t.${title}, t.id
      limit $4'
    using tid, terms, owners, lim${extraArgs.map((a) => `, ${a.sql.split(' ')[0]}`).join('')};
end $fn$`;

/**
 * Global search for contacts, companies, leads and opportunities: a folded text column per table
 * (`search_norm`, core_search_norm of the searched fields), a GIN index of tenant_id and its
 * trigrams, and one search function per table (see above). The tsvector `search` columns stay for
 * the lists' `q` filter.
 */
export class CrmSearch0005 extends Migration {
  override name = 'CrmSearch0005';

  override up(): void {
    const col = (fields: string[]) =>
      `text generated always as (core_search_norm(${fields.map((f) => `coalesce(${f}, '')`).join(` || ' ' || `)})) stored`;
    this.addSql(
      `alter table crm_contact add column search_norm ${col(['name', 'email', 'job_title', 'city', 'phone', 'website'])}`,
    );
    this.addSql(
      `alter table crm_lead add column search_norm ${col(['title', 'contact_name', 'company_name', 'email', 'phone', 'description'])}`,
    );
    this.addSql(`alter table crm_opportunity add column search_norm ${col(['title'])}`);
    for (const t of ['crm_contact', 'crm_lead', 'crm_opportunity']) {
      this.addSql(`create index ${t}_search_norm_idx on ${t} using gin (tenant_id, search_norm gin_trgm_ops)`);
    }
    this.addSql(
      searchFunction('crm_search_contacts', 'crm_contact', 'name', [
        { sql: 'kinds text[]', where: '($5 is null or t.kind = any($5))' },
      ]),
    );
    this.addSql(searchFunction('crm_search_leads', 'crm_lead', 'title', []));
    this.addSql(searchFunction('crm_search_opportunities', 'crm_opportunity', 'title', []));
    for (const f of [
      'crm_search_contacts(text[], text[], uuid[], integer)',
      'crm_search_leads(text[], uuid[], integer)',
      'crm_search_opportunities(text[], uuid[], integer)',
    ]) {
      this.addSql(`revoke all on function ${f} from public`);
    }
  }
}
