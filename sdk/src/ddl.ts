import { type AnyModel, type FieldDef, fieldColumn } from './model.ts';

// SQL for tenant-owned tables. Migrations call these so every table gets the same
// protections: tenant_id in every key, forced row-level security, a policy with both
// USING and WITH CHECK.

export const TENANT_SETTING = 'app.tenant_id';
const CURRENT_TENANT = `nullif(current_setting('${TENANT_SETTING}', true), '')::uuid`;

function q(ident: string): string {
  return `"${ident.replace(/"/g, '""')}"`;
}

function columnType(def: FieldDef): string {
  switch (def.kind) {
    case 'string':
      return `varchar(${def.max ?? 255})`;
    case 'text':
      return 'text';
    case 'integer':
      return 'integer';
    case 'decimal':
      return `numeric(${def.precision?.[0] ?? 18}, ${def.precision?.[1] ?? 4})`;
    case 'boolean':
      return 'boolean';
    case 'datetime':
      return 'timestamptz';
    case 'date':
      return 'date';
    case 'json':
      return 'jsonb';
    case 'uuid':
    case 'ref':
      return 'uuid';
    case 'enum':
      return 'varchar(64)';
  }
}

/** Row-level security for a table that has a tenant_id column. */
export function tenantPolicySql(table: string): string[] {
  return [
    `alter table ${q(table)} enable row level security`,
    `alter table ${q(table)} force row level security`,
    `create policy tenant_isolation on ${q(table)} using (tenant_id = ${CURRENT_TENANT}) with check (tenant_id = ${CURRENT_TENANT})`,
  ];
}

/** create table + keys + indexes + RLS for a model. */
export function createModelTableSql(model: AnyModel): string[] {
  const t = model.table;
  const cols = [
    `tenant_id uuid not null default ${CURRENT_TENANT} references core_tenant(id) on delete cascade`,
    'id uuid not null default gen_random_uuid()',
  ];
  const constraints = ['primary key (tenant_id, id)'];
  const after: string[] = [];
  for (const [key, def] of Object.entries(model.fields) as [string, FieldDef][]) {
    const col = fieldColumn(key, def);
    let sql = `${q(col)} ${columnType(def)}`;
    if (def.required) sql += ' not null';
    if (def.defaultSql !== undefined) sql += ` default ${def.defaultSql}`;
    if (def.kind === 'enum' && def.values) {
      sql += ` check (${q(col)} in (${def.values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}))`;
    }
    cols.push(sql);
    if (def.kind === 'ref' && def.target) {
      const target = def.target().table;
      const onDelete =
        def.onDelete === 'set null'
          ? ` on delete set null (${q(col)})`
          : def.onDelete === 'cascade'
            ? ' on delete cascade'
            : '';
      constraints.push(`foreign key (tenant_id, ${q(col)}) references ${q(target)} (tenant_id, id)${onDelete}`);
      after.push(`create index ${q(`${t}_${col}_idx`)} on ${q(t)} (tenant_id, ${q(col)})`);
    }
    if (def.unique) constraints.push(`unique (tenant_id, ${q(col)})`);
    else if (def.index && def.kind !== 'ref') {
      after.push(`create index ${q(`${t}_${col}_idx`)} on ${q(t)} (tenant_id, ${q(col)})`);
    }
  }
  cols.push(
    'created_at timestamptz not null default now()',
    'updated_at timestamptz not null default now()',
    'created_by uuid',
  );
  if (model.customFields) cols.push("custom jsonb not null default '{}'");
  if (model.owned) {
    cols.push('owner_id uuid');
    constraints.push(
      'foreign key (tenant_id, owner_id) references core_user (tenant_id, id) on delete set null (owner_id)',
    );
    after.push(`create index ${q(`${t}_owner_idx`)} on ${q(t)} (tenant_id, owner_id)`);
  }
  for (const idx of model.indexes) {
    const names = idx.map((k) => fieldColumn(k, model.fields[k] as FieldDef));
    const sql = `create index ${q(`${t}_${names.join('_')}_idx`)} on ${q(t)} (tenant_id, ${names.map(q).join(', ')})`;
    // A reference or an indexed field listed again is the index already made (as the generator does).
    if (!after.includes(sql)) after.push(sql);
  }
  return [`create table ${q(t)} (\n  ${[...cols, ...constraints].join(',\n  ')}\n)`, ...after, ...tenantPolicySql(t)];
}

export function dropModelTableSql(model: AnyModel): string[] {
  return [`drop table if exists ${q(model.table)} cascade`];
}

export interface SearchIndexOptions {
  /** The model's table (`crm_contact`). */
  table: string;
  /** Columns folded into `search_norm` (what people type: names, numbers, emails). */
  columns: readonly string[];
  /** The column shown as the hit's title; its words weigh twice in the score. */
  title: string;
  /** The search function's name (`crm_search_contacts`). */
  functionName: string;
  /** Whether the table has `owner_id` (record rules): the function then takes `owners uuid[]`. */
  owned: boolean;
  /** Answer at most `lim` rows per value of this column (e.g. `kind`); it is returned as a text column. */
  partition?: string;
  /** An extra filter argument, e.g. `{ arg: 'kinds text[]', where: '($5 is null or t.kind = any($5))' }` ($5). */
  filter?: { arg: string; where: string };
}

/**
 * Global search for a tenant-owned table, as migration statements: a folded text column
 * (`search_norm`, `core_search_norm` of `columns`), one GIN index of tenant_id and its trigrams,
 * and a SECURITY DEFINER function `functionName(terms text[], [filter,] [owners uuid[],] lim integer)`
 * returning `(id uuid, [partition text,] score real)`, best first.
 *
 * Why a function: under the app role's forced row-level security the planner may not use the
 * trigram index (pg_trgm's operators are not leakproof, so they run only after the tenant policy,
 * on every row of the tenant). The function runs as the schema owner and applies the policy's rule
 * itself (`tenant_id = app.tenant_id`, nothing when unset) and the record rule it is given
 * (`owners`, null for all). Every word must match a word of the row by prefix or with a typo
 * (word_similarity): first at 0.75 (exact words and 3+ letter prefixes), and only when that finds
 * fewer than `lim` rows, at 0.5 ("mueller" finds Müller). At most MAX_CANDIDATES (500) matching
 * rows are scored. Where the owner is not a superuser (or
 * BYPASSRLS), forced RLS applies inside too: the same answers, only slower. Execute is revoked
 * from PUBLIC; the kernel grants it to the app role.
 */
/** Matching rows a search function scores at most (see searchIndexSql). */
export const MAX_CANDIDATES = 500;

export function searchIndexSql(o: SearchIndexOptions): string[] {
  const t = o.table;
  const title = q(o.title);
  const doc = o.columns.map((c) => `coalesce(${q(c)}::text, '')`).join(` || ' ' || `);
  // Inside the function's EXECUTE strings: `' || matches || '` and `' || score || '` splice in one
  // condition and one score term per word, so every word is an index condition (no subquery per row).
  const score = `(' || score || ')::real`;
  const owners = o.owned ? ' and ($3 is null or t.owner_id = any($3))' : '';
  const extra = o.filter ? ` and ${o.filter.where}` : '';
  const where = `t.tenant_id = $1' || matches || '${owners}${extra}`;
  const p = o.partition ? q(o.partition) : null;
  // At most MAX_CANDIDATES matching rows are scored (in the index's order): a broad query (a
  // common 3-letter prefix in a large tenant) costs the same as a narrow one; typing on narrows it.
  const candidates = `(select t.id, t.tenant_id, t.search_norm, t.${title}${p ? `, t.${p}` : ''}
           from ${q(t)} t where ${where} limit ${MAX_CANDIDATES}) t`;
  const ranked = p
    ? `select id, ${p}, score from (
         select y.*, row_number() over (partition by y.${p} order by y.score desc, y.title, y.id) as rn
         from (select t.id, t.${p}::text as ${p}, ${score} as score, t.${title}::text as title
           from ${candidates}) y) x
       where rn <= $4 order by score desc, title, id`
    : `select t.id, ${score} as score from ${candidates} order by score desc, t.${title}, t.id limit $4`;
  const args = [
    'terms text[]',
    ...(o.filter ? [o.filter.arg] : []),
    ...(o.owned ? ['owners uuid[]'] : []),
    'lim integer',
  ];
  const filterName = o.filter?.arg.split(' ')[0];
  const using = `tid, terms, ${o.owned ? 'owners' : 'null::uuid[]'}, lim${filterName ? `, ${filterName}` : ''}`;
  const argTypes = args.map((a) => a.split(' ').slice(1).join(' ')).join(', ');
  return [
    `alter table ${q(t)} add column search_norm text generated always as (core_search_norm(${doc})) stored`,
    `create index ${q(`${t}_search_norm_idx`)} on ${q(t)} using gin (tenant_id, search_norm gin_trgm_ops)`,
    `create or replace function ${o.functionName}(${args.join(', ')})
  returns table (id uuid, ${p ? `${p} text, ` : ''}score real)
  language plpgsql stable security definer
  set search_path = pg_catalog, public
  set pg_trgm.word_similarity_threshold = 0.5
as $fn$
declare
  tid uuid := nullif(current_setting('${TENANT_SETTING}', true), '')::uuid;
  close_hits integer;
  matches text := '';
  score text := '0';
begin
  if tid is null or coalesce(cardinality(terms), 0) = 0 or lim is null or lim < 1 then return; end if;
  for i in 1 .. cardinality(terms) loop
    matches := matches || format(' and $2[%s] <%% t.search_norm', i);
    score := score || format(' + word_similarity($2[%s], core_search_norm(coalesce(t.${title}::text, %L))) * 2 + word_similarity($2[%s], t.search_norm)', i, '', i);
  end loop;
  -- Set inside a function that has its own SET clause: restored when the function returns.
  perform set_config('pg_trgm.word_similarity_threshold', '0.75', true);
  execute 'select count(*) from (select 1 from ${q(t)} t where ${where} limit $4) x' into close_hits using ${using};
  if close_hits < lim then
    perform set_config('pg_trgm.word_similarity_threshold', '0.5', true);
  end if;
  return query execute '${ranked}' using ${using};
end $fn$`,
    `revoke all on function ${o.functionName}(${argTypes}) from public`,
  ];
}
