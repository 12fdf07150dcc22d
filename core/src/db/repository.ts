import {
  type AnyModel,
  type FieldDef,
  type FindOptions,
  ForbiddenError,
  modelColumns,
  type NewRow,
  NotFoundError,
  type Patch,
  type Repository,
  type Row,
  selectList,
  type TenantDb,
  type Where,
} from '@elevate/sdk';
import { quoteIdent as q } from './pools.ts';
import type { TenantTx } from './tenant-tx.ts';

interface ModelColumns {
  /** field key → column */
  columns: ReadonlyMap<string, string>;
  selectList: string;
}

const cache = new WeakMap<AnyModel, ModelColumns>();

function columnsOf(model: AnyModel): ModelColumns {
  let c = cache.get(model);
  if (!c) {
    c = { columns: modelColumns(model), selectList: selectList(model, { alias: '' }) };
    cache.set(model, c);
  }
  return c;
}

class SqlParams {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function toDb(def: FieldDef | undefined, value: unknown): unknown {
  if (def?.kind === 'json' && value !== null && value !== undefined) return JSON.stringify(value);
  return value;
}

/**
 * The ORM filter: every statement names the tenant explicitly, and row-level security
 * checks it again underneath.
 */
export interface OwnerScope {
  /** Owners whose rows are visible (record rules). */
  userIds: readonly string[];
  /** The permission the scope came from, named in 403s. */
  permission: string;
}

export class SqlRepository<M extends AnyModel> implements Repository<M> {
  readonly model: M;
  private readonly tx: TenantTx;
  private readonly actorId: string | null;
  private readonly cols: ModelColumns;
  private readonly table: string;
  private readonly owners: OwnerScope | null;

  constructor(tx: TenantTx, model: M, actorId: string | null, owners: OwnerScope | null = null) {
    this.tx = tx;
    this.model = model;
    this.actorId = actorId;
    this.cols = columnsOf(model);
    this.table = q(model.table);
    if (owners && !model.owned) throw new Error(`${model.name} is not an owned model: record rules need owned: true`);
    this.owners = owners;
  }

  /** ` and owner_id = any(...)` under record rules, else nothing. */
  private ownerSql(p: SqlParams): string {
    return this.owners ? ` and owner_id = any(${p.add(this.owners.userIds)}::uuid[])` : '';
  }

  private checkOwner(ownerId: unknown): void {
    if (
      this.owners &&
      ownerId !== undefined &&
      (ownerId === null || !this.owners.userIds.includes(ownerId as string))
    ) {
      throw new ForbiddenError(this.owners.permission);
    }
  }

  private column(key: string): string {
    const col = this.cols.columns.get(key);
    if (!col) throw new Error(`${this.model.name} has no field "${key}"`);
    return q(col);
  }

  private where(where: Where<M> | undefined, p: SqlParams): string {
    const parts = [`tenant_id = ${p.add(this.tx.tenantId)}${this.ownerSql(p)}`];
    for (const [key, cond] of Object.entries(where ?? {})) {
      if (cond === undefined) continue;
      const col = this.column(key);
      if (cond === null) parts.push(`${col} is null`);
      else if (typeof cond !== 'object') parts.push(`${col} = ${p.add(cond)}`);
      else {
        const [op, v] = Object.entries(cond)[0] ?? [];
        switch (op) {
          case 'in':
            parts.push(`${col} = any(${p.add(v)})`);
            break;
          case 'ne':
            parts.push(v === null ? `${col} is not null` : `${col} is distinct from ${p.add(v)}`);
            break;
          case 'gt':
            parts.push(`${col} > ${p.add(v)}`);
            break;
          case 'gte':
            parts.push(`${col} >= ${p.add(v)}`);
            break;
          case 'lt':
            parts.push(`${col} < ${p.add(v)}`);
            break;
          case 'lte':
            parts.push(`${col} <= ${p.add(v)}`);
            break;
          case 'ilike':
            parts.push(`${col} ilike ${p.add(v)}`);
            break;
          default:
            throw new Error(`Unknown operator "${op}" on ${this.model.name}.${key}`);
        }
      }
    }
    return parts.join(' and ');
  }

  private orderSql(opts: FindOptions<M>): string {
    const order = (opts.orderBy ?? []).map((o) => `${this.column(o.field)} ${o.dir === 'desc' ? 'desc' : 'asc'}`);
    // A stable tie-breaker keeps pages from overlapping.
    order.push('id asc');
    return ` order by ${order.join(', ')}`;
  }

  private limitSql(opts: FindOptions<M>, p: SqlParams): string {
    let sql = '';
    if (opts.limit !== undefined) sql += ` limit ${p.add(opts.limit)}`;
    if (opts.offset) sql += ` offset ${p.add(opts.offset)}`;
    return sql;
  }

  async get(id: string): Promise<Row<M> | null> {
    if (!isUuid(id)) return null;
    const p = new SqlParams();
    const rows = await this.tx.query<Row<M>>(
      `select ${this.cols.selectList} from ${this.table} where tenant_id = ${p.add(this.tx.tenantId)} and id = ${p.add(id)}${this.ownerSql(p)}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  async getOrThrow(id: string): Promise<Row<M>> {
    const row = await this.get(id);
    if (!row) throw new NotFoundError(this.model.name);
    return row;
  }

  async getMany(ids: readonly string[]): Promise<(Row<M> | null)[]> {
    const valid = ids.filter(isUuid);
    const p = new SqlParams();
    const rows = valid.length
      ? await this.tx.query<Row<M>>(
          `select ${this.cols.selectList} from ${this.table} where tenant_id = ${p.add(this.tx.tenantId)} and id = any(${p.add(valid)})${this.ownerSql(p)}`,
          p.values,
        )
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async find(opts: FindOptions<M> = {}): Promise<Row<M>[]> {
    const p = new SqlParams();
    const sql = `select ${this.cols.selectList} from ${this.table} where ${this.where(opts.where, p)}${this.orderSql(opts)}${this.limitSql(opts, p)}`;
    return this.tx.query<Row<M>>(sql, p.values);
  }

  async count(where?: Where<M>): Promise<number> {
    const p = new SqlParams();
    const rows = await this.tx.query<{ n: number }>(
      `select count(*)::int as n from ${this.table} where ${this.where(where, p)}`,
      p.values,
    );
    return rows[0]?.n ?? 0;
  }

  async page(opts: FindOptions<M> & { limit: number; offset: number }): Promise<{ rows: Row<M>[]; total: number }> {
    // One statement: the page is cut first (an index can serve the order), the total is a
    // separate count — cheaper than count(*) over (), which sorts every matching row.
    const p = new SqlParams();
    const where = this.where(opts.where, p);
    const order = this.orderSql(opts);
    const sql = `with page as (select * from ${this.table} where ${where}${order}${this.limitSql(opts, p)})
      select ${this.cols.selectList}, (select count(*)::int from ${this.table} where ${where}) as "__total" from page${order}`;
    const rows = await this.tx.query<Row<M> & { __total: number }>(sql, p.values);
    if (rows.length === 0 && opts.offset > 0) {
      return { rows: [], total: await this.count(opts.where) };
    }
    const total = rows[0]?.__total ?? 0;
    for (const r of rows) delete (r as { __total?: number }).__total;
    return { rows, total };
  }

  async insert(data: NewRow<M>): Promise<Row<M>> {
    const p = new SqlParams();
    const cols = ['tenant_id', 'created_by'];
    const vals = [p.add(this.tx.tenantId), p.add(this.actorId)];
    if (this.model.owned) {
      const ownerId = (data as { ownerId?: string | null }).ownerId;
      this.checkOwner(ownerId);
      if (ownerId === undefined) {
        cols.push('owner_id');
        vals.push(p.add(this.actorId));
      }
    }
    for (const [key, value] of Object.entries(data)) {
      if (value === undefined) continue;
      if (key !== 'id' && key !== 'ownerId' && !(key in this.model.fields)) {
        throw new Error(`${this.model.name} has no field "${key}"`);
      }
      cols.push(this.column(key));
      vals.push(p.add(toDb(this.model.fields[key] as FieldDef | undefined, value)));
    }
    const rows = await this.tx.query<Row<M>>(
      `insert into ${this.table} (${cols.join(', ')}) values (${vals.join(', ')}) returning ${this.cols.selectList}`,
      p.values,
    );
    return rows[0] as Row<M>;
  }

  async update(id: string, patch: Patch<M>): Promise<Row<M> | null> {
    if (!isUuid(id)) return null;
    const p = new SqlParams();
    const sets = ['updated_at = now()'];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (key === 'ownerId' && this.model.owned) {
        this.checkOwner(value);
        sets.push(`owner_id = ${p.add(value)}`);
        continue;
      }
      if (!(key in this.model.fields)) throw new Error(`${this.model.name} has no field "${key}"`);
      sets.push(`${this.column(key)} = ${p.add(toDb(this.model.fields[key] as FieldDef, value))}`);
    }
    const rows = await this.tx.query<Row<M>>(
      `update ${this.table} set ${sets.join(', ')} where tenant_id = ${p.add(this.tx.tenantId)} and id = ${p.add(id)}${this.ownerSql(p)} returning ${this.cols.selectList}`,
      p.values,
    );
    return rows[0] ?? null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const p = new SqlParams();
    const rows = await this.tx.query(
      `delete from ${this.table} where tenant_id = ${p.add(this.tx.tenantId)} and id = ${p.add(id)}${this.ownerSql(p)} returning id`,
      p.values,
    );
    return rows.length > 0;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(v: string): boolean {
  return UUID.test(v);
}

export interface TenantDbWithScopes extends TenantDb {
  /** A repository under record rules (see RequestContext.scoped). */
  scoped<M extends AnyModel>(model: M, owners: OwnerScope): Repository<M>;
}

export function tenantDb(tx: TenantTx, actorId: string | null): TenantDbWithScopes {
  const repos = new Map<AnyModel, SqlRepository<AnyModel>>();
  return {
    query: (sql, params) => tx.query(sql, params),
    repo<M extends AnyModel>(model: M) {
      let r = repos.get(model);
      if (!r) {
        r = new SqlRepository(tx, model, actorId);
        repos.set(model, r);
      }
      return r as unknown as Repository<M>;
    },
    scoped<M extends AnyModel>(model: M, owners: OwnerScope) {
      return new SqlRepository(tx, model, actorId, owners) as unknown as Repository<M>;
    },
  };
}
