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
