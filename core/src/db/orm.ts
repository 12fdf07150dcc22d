import {
  type AnyModel,
  applyModelExtensions,
  emScope,
  entitySchemasOf,
  type ModelExtension,
  type RecordRules,
} from '@elevate/sdk';
import { type Configuration, type EntityManager, MikroORM } from '@mikro-orm/core';
import { PostgreSqlConnection, PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { TenantTx } from './tenant-tx.ts';

// MikroORM is the data layer: one ORM per kernel knows every installed addon's models as entity
// schemas; each request (or job, subscriber, hook) gets a fork of its EntityManager whose
// statements run through the request's tenant transaction (TxBridge), so BEGIN and the tenant
// setting still travel with the request's first statement and row-level security sees the
// same transaction as every other statement of the request.

type Compiled = { sql: string };

/**
 * The part of a Kysely transaction MikroORM's connection uses, backed by a TenantTx. The
 * request owns the transaction: commit and rollback belong to it, nested `em.transactional()`
 * calls become savepoints.
 */
class TxBridge {
  readonly tx: TenantTx;
  declare readonly savepointName?: string;

  constructor(tx: TenantTx, savepointName?: string) {
    this.tx = tx;
    // Only savepoint bridges carry the property: MikroORM tests `'savepointName' in ctx`.
    if (savepointName) Object.defineProperty(this, 'savepointName', { value: savepointName, enumerable: true });
  }

  async executeQuery(compiled: Compiled) {
    const res = await this.tx.run(compiled.sql);
    return { rows: res.rows, numAffectedRows: BigInt(res.rowCount) };
  }

  savepoint(name: string) {
    return {
      execute: async () => {
        await this.tx.run(`savepoint ${name}`);
        return new TxBridge(this.tx, name);
      },
    };
  }

  releaseSavepoint(name: string) {
    return { execute: () => this.tx.run(`release savepoint ${name}`) };
  }

  rollbackToSavepoint(name: string) {
    return { execute: () => this.tx.run(`rollback to savepoint ${name}`) };
  }

  getExecutor() {
    return { provideConnection: async <T>(fn: (c: unknown) => Promise<T>) => fn(undefined) };
  }

  commit(): never {
    throw new Error('The request commits its own transaction');
  }

  rollback(): never {
    throw new Error('The request rolls back its own transaction');
  }
}

/** MikroORM's PostgreSQL connection with no pool of its own: it only ever runs statements on a TxBridge. */
class TenantTxConnection extends PostgreSqlConnection {
  override async ensureConnection(): Promise<void> {}

  override execute: PostgreSqlConnection['execute'] = (...args) => {
    // Refuse to run outside a tenant transaction rather than silently using another connection.
    if (!(args[3] instanceof TxBridge)) throw new Error('The ORM runs statements only inside a tenant transaction');
    return super.execute(...args);
  };
}

class TenantTxDriver extends PostgreSqlDriver {
  constructor(config: Configuration) {
    super(config);
    (this as unknown as { connection: PostgreSqlConnection }).connection = new TenantTxConnection(config);
  }
}

export interface Orm {
  /** A fresh EntityManager bound to the transaction, filtered to its tenant (and record rules, when given). */
  em(tx: TenantTx, actorId: string | null, rules?: RecordRules): EntityManager;
  /** The model behind an entity name (`crm.contact`). */
  model(entityName: string): AnyModel | undefined;
  close(): Promise<void>;
}

/** The ORM for a set of installed addons' models. Never connects on its own: every statement goes through a TenantTx. */
export async function createOrm(models: readonly AnyModel[], extensions: readonly ModelExtension[] = []): Promise<Orm> {
  // The installed addons' extensions become columns and relations of the models they extend.
  applyModelExtensions(extensions);
  const byName = new Map(models.map((m) => [m.name, m]));
  const owned = models.filter((m) => m.owned).map((m) => m.name);
  const orm = await MikroORM.init({
    driver: TenantTxDriver,
    clientUrl: 'postgres://unused@127.0.0.1:1/unused',
    entities: entitySchemasOf(models, extensions),
    discovery: { warnWhenNoEntities: false },
    allowGlobalContext: false,
    connect: false,
    // Conditions on a relation read its foreign key columns; the tenant filter needs no join.
    autoJoinRefsForFilters: false,
    filters: {
      // The ORM filter: every statement names the tenant; row-level security checks it again.
      tenant: { name: 'tenant', cond: (args: { id: string }) => ({ tenantId: args.id }), default: true },
      // Record rules (own/team): which owners' rows the caller may see, from the model's access key.
      records: {
        name: 'records',
        entity: owned,
        default: true,
        cond: async (
          _args: unknown,
          type: 'read' | 'update' | 'delete',
          em: EntityManager,
          _opts: unknown,
          entityName?: string,
        ) => {
          const rules = emScope(em)?.rules;
          const model = entityName ? byName.get(entityName) : undefined;
          if (!rules || !model) return {};
          const ids = await rules.ownerIds(model, type);
          return ids === null ? {} : { ownerId: { $in: [...ids] } };
        },
      },
    },
  } as Parameters<typeof MikroORM.init>[0]);
  return {
    em(tx, actorId, rules) {
      const em = orm.em.fork({ clear: true, useContext: false });
      // The scope travels as filter parameters: MikroORM copies them into every fork.
      em.setFilterParams('tenant', { id: tx.tenantId, actorId });
      em.setFilterParams('records', rules ? { rules } : {});
      em.setTransactionContext(new TxBridge(tx) as never);
      return em;
    },
    model: (name) => byName.get(name),
    close: () => orm.close(true),
  };
}
