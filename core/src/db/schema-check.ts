import { type AnyAddon, AppError, type FieldDef, fieldColumn, modelColumns } from '@elevate/sdk';
import type pg from 'pg';

/**
 * Verifies the tenancy rules on the live schema. Every table with a tenant_id column must
 * have row-level security enabled and forced, a policy, a primary key that includes
 * tenant_id, and foreign keys to other tenant tables that include tenant_id. Returns the
 * problems found (empty when the schema is sound).
 */
export async function checkTenantSchema(db: pg.Pool | pg.Client): Promise<string[]> {
  const problems: string[] = [];
  const tables = await db.query<{
    table: string;
    rls: boolean;
    forced: boolean;
    policies: number;
    pk: string[] | null;
  }>(`
    select c.relname as table, c.relrowsecurity as rls, c.relforcerowsecurity as forced,
      (select count(*)::int from pg_policy p where p.polrelid = c.oid
         and pg_get_expr(p.polqual, p.polrelid) like '%tenant_id%app.tenant_id%'
         and pg_get_expr(p.polwithcheck, p.polrelid) like '%tenant_id%app.tenant_id%') as policies,
      (select array_agg(a.attname::text) from pg_constraint k
         join pg_attribute a on a.attrelid = k.conrelid and a.attnum = any(k.conkey)
         where k.conrelid = c.oid and k.contype = 'p') as pk
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
      and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
    order by 1`);
  const tenantTables = new Set(tables.rows.map((t) => t.table));
  for (const t of tables.rows) {
    if (!t.rls) problems.push(`${t.table}: row-level security is not enabled`);
    if (!t.forced) problems.push(`${t.table}: row-level security is not forced`);
    if (t.policies === 0) problems.push(`${t.table}: no tenant policy with USING and WITH CHECK on app.tenant_id`);
    if (!t.pk) problems.push(`${t.table}: no primary key`);
    else if (!t.pk.includes('tenant_id')) problems.push(`${t.table}: primary key (${t.pk.join(', ')}) lacks tenant_id`);
  }
  const fks = await db.query<{ table: string; target: string; name: string; cols: string[]; refcols: string[] }>(`
    select c.relname as table, r.relname as target, k.conname as name,
      (select array_agg(a.attname::text order by a.attnum) from pg_attribute a where a.attrelid = k.conrelid and a.attnum = any(k.conkey)) as cols,
      (select array_agg(a.attname::text order by a.attnum) from pg_attribute a where a.attrelid = k.confrelid and a.attnum = any(k.confkey)) as refcols
    from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class r on r.oid = k.confrelid
    join pg_namespace n on n.oid = c.relnamespace
    where k.contype = 'f' and n.nspname = 'public' order by 1, 3`);
  for (const fk of fks.rows) {
    if (!tenantTables.has(fk.table) || !tenantTables.has(fk.target)) continue;
    if (!fk.cols.includes('tenant_id') || !fk.refcols.includes('tenant_id')) {
      problems.push(`${fk.table}: foreign key ${fk.name} to ${fk.target} does not include tenant_id`);
    }
  }
  return problems;
}

/**
 * After migrating: every installed addon's models (and the fields its extensions add to other
 * addons' models) have their tables and columns. A model changed without generating its migration
 * otherwise answers 500 on its first insert; this refuses to start, naming the model, the column and
 * the command that writes the missing migration.
 */
export async function checkModelTables(db: pg.Pool | pg.Client, addons: readonly AnyAddon[]): Promise<void> {
  const expected: { addon: string; model: string; table: string; columns: string[] }[] = [];
  for (const addon of addons) {
    for (const model of addon.models) {
      expected.push({
        addon: addon.id,
        model: model.name,
        table: model.table,
        columns: ['tenant_id', ...modelColumns(model).values()],
      });
    }
    for (const ext of addon.extensions) {
      const columns = Object.entries(ext.fields as Record<string, FieldDef>).map(([k, d]) => fieldColumn(k, d));
      expected.push({ addon: addon.id, model: ext.model.name, table: ext.model.table, columns });
    }
  }
  if (!expected.length) return;
  const rows = await db.query<{ table: string; column: string }>(
    `select table_name as table, column_name as column from information_schema.columns
      where table_schema = 'public' and table_name = any($1::text[])`,
    [[...new Set(expected.map((e) => e.table))]],
  );
  const have = new Map<string, Set<string>>();
  for (const r of rows.rows) have.set(r.table, (have.get(r.table) ?? new Set()).add(r.column));
  for (const e of expected) {
    const cols = have.get(e.table);
    const missing = cols ? e.columns.filter((c) => !cols.has(c)) : null;
    if (missing && missing.length === 0) continue;
    const what = missing ? `has no column ${missing.map((c) => `"${c}"`).join(', ')}` : `has no table "${e.table}"`;
    throw new AppError(
      'MODEL_NOT_MIGRATED',
      `Model ${e.model} ${what} in the database: its migration was never generated. Run \`elevate addon migration ${e.addon} --name "<what changed>"\`, then start again`,
      { status: 500 },
    );
  }
}
