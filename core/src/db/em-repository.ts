import {
  type AnyModel,
  type EntityRow,
  entitySchemaOf,
  type FieldDef,
  type FindOptions,
  ForbiddenError,
  modelColumns,
  type NewRow,
  NotFoundError,
  type Patch,
  type Repository,
  type Row,
  type Where,
} from '@elevate/sdk';
import { type EntityManager, type FilterQuery, raw } from '@mikro-orm/core';
import { isUuid } from './uuid.ts';

/** Owners whose rows a record-scoped repository sees, and the permission named in 403s. */
export interface OwnerScope {
  userIds: readonly string[];
  permission: string;
}

const OPS = { gt: '$gt', gte: '$gte', lt: '$lt', lte: '$lte', ilike: '$ilike' } as const;
// Reads never go through the identity map: services still mix raw SQL with repository calls in
// one request, and a cached entity would hide their writes.
const READ = { disableIdentityMap: true } as const;

/**
 * A model's rows in the current tenant, on the request's EntityManager: the tenant filter names
 * the tenant in every statement (row-level security checks it again); a scoped repository adds
 * the record rule (`owner_id in (...)`) to every read, update and delete, and keeps inserts and
 * owner changes inside it.
 */
export class EmRepository<M extends AnyModel> implements Repository<M> {
  readonly model: M;
  private readonly em: EntityManager;
  private readonly tenantId: string;
  private readonly actorId: string | null;
  private readonly owners: OwnerScope | null;
  private readonly entity;

  constructor(em: EntityManager, tenantId: string, model: M, actorId: string | null, owners: OwnerScope | null = null) {
    if (owners && !model.owned) throw new Error(`${model.name} is not an owned model: record rules need owned: true`);
    this.em = em;
    this.tenantId = tenantId;
    this.model = model;
    this.actorId = actorId;
    this.owners = owners;
    this.entity = entitySchemaOf(model);
  }

  private field(key: string): FieldDef | undefined {
    return (this.model.fields as Record<string, FieldDef>)[key];
  }

  private checkKey(key: string): void {
    if (!modelColumns(this.model).has(key)) throw new Error(`${this.model.name} has no field "${key}"`);
  }

  private column(key: string): string {
    return modelColumns(this.model).get(key) as string;
  }

  /** The model's Where as a MikroORM filter (with the record rule, when scoped). */
  private filter(where: Where<M> | undefined): FilterQuery<EntityRow> {
    const and: FilterQuery<EntityRow>[] = [];
    if (this.owners) and.push({ ownerId: { $in: [...this.owners.userIds] } });
    for (const [key, cond] of Object.entries(where ?? {}) as [string, unknown][]) {
      if (cond === undefined) continue;
      this.checkKey(key);
      const isRef = this.field(key)?.kind === 'ref';
      const col = this.column(key);
      // A relation's key is (tenant_id, <column>): compare the column itself where a tuple would mislead.
      const onColumn = (sql: string, params: unknown[] = []) => ({
        [raw((alias: string) => `${alias}."${col}" ${sql}`, params)]: [],
      });
      const ref = (v: unknown) => (isRef ? [this.tenantId, v] : v);
      if (cond === null) {
        and.push(isRef ? onColumn('is null') : { [key]: null });
        continue;
      }
      if (typeof cond !== 'object') {
        and.push({ [key]: ref(cond) });
        continue;
      }
      const [op, v] = Object.entries(cond as Record<string, unknown>)[0] ?? [];
      if (op === 'in') and.push({ [key]: { $in: (v as unknown[]).map(ref) } });
      else if (op === 'ne' && v === null) and.push(isRef ? onColumn('is not null') : { [key]: { $ne: null } });
      else if (op === 'ne') and.push(onColumn('is distinct from ?', [v]));
      else if (op && op in OPS) {
        if (isRef) throw new Error(`Operator "${op}" does not apply to reference ${this.model.name}.${key}`);
        and.push({ [key]: { [OPS[op as keyof typeof OPS]]: v } });
      } else throw new Error(`Unknown operator "${op}" on ${this.model.name}.${key}`);
    }
    return and.length ? { $and: and } : {};
  }

  private orderBy(opts: FindOptions<M>): Record<string, 'asc' | 'desc'>[] {
    const order = (opts.orderBy ?? []).map((o) => {
      this.checkKey(o.field);
      return { [o.field]: o.dir === 'desc' ? 'desc' : 'asc' } as Record<string, 'asc' | 'desc'>;
    });
    // A stable tie-breaker keeps pages from overlapping.
    order.push({ id: 'asc' });
    return order;
  }

  /** An entity as the repository's row: references as ids, the declared keys only. */
  private row(e: EntityRow): Row<M> {
    const out: Record<string, unknown> = {};
    for (const key of modelColumns(this.model).keys()) {
      const v = e[key];
      out[key] =
        this.field(key)?.kind === 'ref' ? ((v as { id?: string } | null | undefined)?.id ?? null) : (v ?? null);
    }
    return out as Row<M>;
  }

  private toEntityData(data: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(data)) {
      if (value === undefined) continue;
      // `custom`: the document ctx.customFields.prepare validated (opted-in models only).
      if (key === 'custom' && this.model.customFields) {
        out.custom = value;
        continue;
      }
      if (key !== 'id' && key !== 'ownerId' && !(key in this.model.fields)) {
        throw new Error(`${this.model.name} has no field "${key}"`);
      }
      const def = this.field(key);
      if (def?.kind === 'ref' && def.target) {
        out[key] = value === null ? null : this.em.getReference(entitySchemaOf(def.target()), [this.tenantId, value]);
      } else out[key] = value;
    }
    return out;
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

  async get(id: string): Promise<Row<M> | null> {
    if (!isUuid(id)) return null;
    const e = await this.em.findOne(this.entity, { $and: [{ id }, this.filter(undefined)] }, READ);
    return e ? this.row(e) : null;
  }

  async getOrThrow(id: string): Promise<Row<M>> {
    const row = await this.get(id);
    if (!row) throw new NotFoundError(this.model.name);
    return row;
  }

  async getMany(ids: readonly string[]): Promise<(Row<M> | null)[]> {
    const valid = ids.filter(isUuid);
    const found = valid.length
      ? await this.em.find(this.entity, { $and: [{ id: { $in: valid } }, this.filter(undefined)] }, READ)
      : [];
    const byId = new Map(found.map((e) => [e.id as string, this.row(e)]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async find(opts: FindOptions<M> = {}): Promise<Row<M>[]> {
    const found = await this.em.find(this.entity, this.filter(opts.where), {
      ...READ,
      orderBy: this.orderBy(opts),
      ...(opts.limit !== undefined ? { limit: opts.limit } : {}),
      ...(opts.offset ? { offset: opts.offset } : {}),
    });
    return found.map((e) => this.row(e));
  }

  async count(where?: Where<M>): Promise<number> {
    return this.em.count(this.entity, this.filter(where));
  }

  async page(opts: FindOptions<M> & { limit: number; offset: number }): Promise<{ rows: Row<M>[]; total: number }> {
    const rows = await this.find(opts);
    // The page is cut first; counting is skipped when the page itself tells the total.
    const total =
      rows.length > 0 && rows.length < opts.limit
        ? opts.offset + rows.length
        : rows.length === 0 && opts.offset === 0
          ? 0
          : await this.count(opts.where);
    return { rows, total };
  }

  async insert(data: NewRow<M>): Promise<Row<M>> {
    const given = { ...(data as Record<string, unknown>) };
    if (this.model.owned) {
      this.checkOwner(given.ownerId);
      if (given.ownerId === undefined) given.ownerId = this.actorId;
    }
    const e = this.em.create(this.entity, {
      ...this.toEntityData(given),
      tenantId: this.tenantId,
      createdBy: this.actorId,
    });
    await this.em.flush();
    return this.row(e);
  }

  async update(id: string, patch: Patch<M>): Promise<Row<M> | null> {
    if (!isUuid(id)) return null;
    const p = { ...(patch as Record<string, unknown>) };
    if (this.model.owned && p.ownerId !== undefined) this.checkOwner(p.ownerId);
    const data = { ...this.toEntityData(p), updatedAt: raw('now()') };
    const n = await this.em.nativeUpdate(this.entity, { $and: [{ id }, this.filter(undefined)] }, data);
    return n > 0 ? this.get(id) : null;
  }

  async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    return (await this.em.nativeDelete(this.entity, { $and: [{ id }, this.filter(undefined)] })) > 0;
  }
}
