import type { AnyModel, RecordRules, Repository, TenantDb } from '@elevate/sdk';
import type { EntityManager } from '@mikro-orm/core';
import { EmRepository, type OwnerScope } from './em-repository.ts';
import type { Orm } from './orm.ts';
import type { TenantTx } from './tenant-tx.ts';

export type { OwnerScope } from './em-repository.ts';
export { isUuid } from './uuid.ts';

export interface TenantDbWithScopes extends TenantDb {
  /** A repository under record rules (see RequestContext.scoped). */
  scoped<M extends AnyModel>(model: M, owners: OwnerScope): Repository<M>;
  /** The EntityManager of this transaction (made on first use), with record rules when given. */
  em(rules?: RecordRules): EntityManager;
}

export function tenantDb(tx: TenantTx, actorId: string | null, orm: Orm): TenantDbWithScopes {
  const repos = new Map<AnyModel, Repository<AnyModel>>();
  let plain: EntityManager | null = null;
  let ruled: EntityManager | null = null;
  // Repositories share one EntityManager; an `em` with record rules is a second fork of its own.
  const base = () => {
    plain ??= orm.em(tx, actorId);
    return plain;
  };
  return {
    query: (sql, params, opts) => tx.query(sql, params, opts),
    repo<M extends AnyModel>(model: M) {
      let r = repos.get(model);
      if (!r) {
        r = new EmRepository(base(), tx.tenantId, model, actorId);
        repos.set(model, r);
      }
      return r as unknown as Repository<M>;
    },
    scoped<M extends AnyModel>(model: M, owners: OwnerScope) {
      return new EmRepository(base(), tx.tenantId, model, actorId, owners) as unknown as Repository<M>;
    },
    em(rules?: RecordRules) {
      if (!rules) return base();
      ruled ??= orm.em(tx, actorId, rules);
      return ruled;
    },
  };
}
