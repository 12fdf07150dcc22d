import { Migration } from '@elevate/sdk';

/**
 * Global search: the extensions its providers use (pg_trgm for prefix and typo matching,
 * unaccent for folding accents, btree_gin so one GIN index holds tenant_id and the trigrams) and
 * `core_search_norm(text)`, an IMMUTABLE fold (lowercase, accents removed with the unaccent
 * dictionary named explicitly) that generated columns and expression indexes may use. Plain
 * `unaccent(text)` is only STABLE (it looks its dictionary up through search_path), so it cannot
 * be indexed. The query words are folded the same way by the SDK (`searchTerms`).
 */
export class CoreSearch0021 extends Migration {
  override name = 'CoreSearch0021';

  override up(): void {
    this.addSql('create extension if not exists pg_trgm');
    this.addSql('create extension if not exists unaccent');
    this.addSql('create extension if not exists btree_gin');
    this.addSql(`create or replace function core_search_norm(text) returns text
      language sql immutable strict parallel safe
      set search_path = pg_catalog, public
      as $$ select lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);
  }
}
