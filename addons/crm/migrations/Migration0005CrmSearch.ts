import { Migration } from '@elevate/sdk';

// A function searching one table for the current tenant. SECURITY DEFINER: it runs as the schema
// owner, so the planner may use the trigram GIN index for `<%` (under the app role's forced
// row-level security it may not: pg_trgm's operators are not leakproof, so they are evaluated only
// after the tenant policy, row by row over all the tenant's rows). The function applies the same
// rule as the policy itself (tenant_id = app.tenant_id, nothing when it is unset) and the caller's
// record rule (`owners`, null for every owner). Every word must match a word of the row by prefix
// or with a typo (pg_trgm word_similarity); the score weighs the title twice. Two passes: first
// at similarity 0.75 (exact words and prefixes of 3+ letters pass, few index candidates), and only
// when that finds fewer than `lim` rows, at 0.5 ("mueller" finds Müller, "lovlace" Lovelace).
// `partition`: at most `lim` rows per value of that column (contacts: per kind). Where the owner
// is not a superuser (or BYPASSRLS), forced RLS applies inside too: same answers, only slower.
const searchFunction = (opts: {
  name: string;
  table: string;
  title: string;
  /** Extra leading arguments and their WHERE clause ($5...). */
  extra?: { arg: string; name: string; where: string };
  partition?: string;
}) => {
  const score = `(select sum(word_similarity(w, core_search_norm(coalesce(t.${opts.title}, ''''))) * 2 + word_similarity(w, t.search_norm)) from unnest($2) w)::real`;
  const where = `t.tenant_id = $1 and $2[1] <% t.search_norm
        and (select bool_and(w <% t.search_norm) from unnest($2) w)
        ${opts.extra ? `and ${opts.extra.where} ` : ''}and ($3 is null or t.owner_id = any($3))`;
  // Partitioned: the best `lim` rows of each value (row_number over the candidates), best first.
  const ranked = opts.partition
    ? `select id, ${opts.partition}, score from (
         select y.*, row_number() over (partition by y.${opts.partition} order by y.score desc, y.title, y.id) as rn
         from (select t.id, t.${opts.partition}::text as ${opts.partition}, ${score} as score, t.${opts.title} as title
           from ${opts.table} t where ${where}) y) x
       where rn <= $4 order by score desc, title, id`
    : `select t.id, ${score} as score from ${opts.table} t where ${where} order by score desc, t.${opts.title}, t.id limit $4`;
  const using = `tid, terms, owners, lim${opts.extra ? `, ${opts.extra.name}` : ''}`;
  const returns = opts.partition ? `id uuid, ${opts.partition} text, score real` : 'id uuid, score real';
  return `create or replace function ${opts.name}(terms text[], ${opts.extra ? `${opts.extra.arg}, ` : ''}owners uuid[], lim integer)
  returns table (${returns})
  language plpgsql stable security definer
  set search_path = pg_catalog, public
  set pg_trgm.word_similarity_threshold = 0.5
as $fn$
declare
  tid uuid := nullif(current_setting('app.tenant_id', true), '')::uuid;
  close_hits integer;
begin
  if tid is null or coalesce(cardinality(terms), 0) = 0 or lim is null or lim < 1 then return; end if;
  -- Set inside a function that has its own SET: restored when the function returns.
  perform set_config('pg_trgm.word_similarity_threshold', '0.75', true);
  execute 'select count(*) from (select 1 from ${opts.table} t where ${where} limit $4) x'
    into close_hits using ${using};
  if close_hits < lim then
    perform set_config('pg_trgm.word_similarity_threshold', '0.5', true);
  end if;
  return query execute '${ranked}' using ${using};
end $fn$`;
};

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
    // Names, emails and phones: what people type. Fewer words per row, fewer index candidates.
    this.addSql(`alter table crm_contact add column search_norm ${col(['name', 'email', 'phone'])}`);
    this.addSql(
      `alter table crm_lead add column search_norm ${col(['title', 'contact_name', 'company_name', 'email', 'phone', 'description'])}`,
    );
    this.addSql(`alter table crm_opportunity add column search_norm ${col(['title'])}`);
    for (const t of ['crm_contact', 'crm_lead', 'crm_opportunity']) {
      this.addSql(`create index ${t}_search_norm_idx on ${t} using gin (tenant_id, search_norm gin_trgm_ops)`);
    }
    this.addSql(
      searchFunction({
        name: 'crm_search_contacts',
        table: 'crm_contact',
        title: 'name',
        extra: { arg: 'kinds text[]', name: 'kinds', where: '($5 is null or t.kind = any($5))' },
        partition: 'kind',
      }),
    );
    this.addSql(searchFunction({ name: 'crm_search_leads', table: 'crm_lead', title: 'title' }));
    this.addSql(searchFunction({ name: 'crm_search_opportunities', table: 'crm_opportunity', title: 'title' }));
    for (const f of [
      'crm_search_contacts(text[], text[], uuid[], integer)',
      'crm_search_leads(text[], uuid[], integer)',
      'crm_search_opportunities(text[], uuid[], integer)',
    ]) {
      this.addSql(`revoke all on function ${f} from public`);
    }
  }
}
