import { createHash } from 'node:crypto';
import type pg from 'pg';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Names of prepared statements by SQL text. Bounded: each name is prepared once on every pooled
 * connection and lives as long as the connection, so past the bound statements run unnamed.
 */
const PREPARED_MAX = 200;
const preparedNames = new Map<string, string>();
function preparedName(sql: string): string | null {
  let name = preparedNames.get(sql);
  if (!name && preparedNames.size < PREPARED_MAX) {
    name = `e_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    preparedNames.set(sql, name);
  }
  return name ?? null;
}

/** A quoted UUID literal: the only kind of literal an opening statement is parameterised on. */
const UUID_LITERAL = /'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/gi;
const OPENINGS_MAX = 50;
const openings = new Map<string, string>();
const unpreparable = new Set<string>();
/** The opening statements prepared on each pooled connection (they live as long as it does). */
const preparedByClient = new WeakMap<pg.PoolClient, Set<string>>();
function preparedOn(c: pg.PoolClient): Set<string> {
  let set = preparedByClient.get(c);
  if (!set) {
    set = new Set();
    preparedByClient.set(c, set);
  }
  return set;
}

/**
 * An opening `extra` as a prepared statement: its UUID literals become $1, $2, ... (in order),
 * so the same shape with other ids (another user, another tenant) is one statement. Only a
 * single statement with at least one UUID literal and no other quote, dollar or parameter
 * sign qualifies; anything else (or past the bound) runs as plain SQL.
 */
type Shape = { name: string; text: string; args: string };
/** Shapes by the exact opening SQL (one per user seen; bounded). */
const shapes = new Map<string, Shape | null>();
function openingShape(extra: string): Shape | null {
  const known = shapes.get(extra);
  if (known !== undefined) return known && !unpreparable.has(known.text) ? known : null;
  const shape = makeShape(extra);
  if (shapes.size >= 10_000) shapes.clear();
  shapes.set(extra, shape);
  return shape;
}

function makeShape(extra: string): Shape | null {
  const args: string[] = [];
  const text = extra.replace(UUID_LITERAL, (_m, id: string) => {
    args.push(`'${id}'`);
    return `$${args.length}`;
  });
  if (!args.length || /[';$"\\]/.test(text.replace(/\$\d+/g, '')) || unpreparable.has(text)) return null;
  let name = openings.get(text);
  if (!name) {
    if (openings.size >= OPENINGS_MAX) return null;
    name = `o_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    openings.set(text, name);
  }
  return { name, text, args: args.join(', ') };
}

/**
 * Connections whose read-only transaction has ended in our eyes but not yet on the server: the
 * ROLLBACK that ends it travels in front of the next opening on the same connection, so a read
 * costs one round trip fewer (measured on the crm list: one write and one wake-up of a backend
 * fewer, ~70-100 µs of Node CPU and ~25 µs of PostgreSQL CPU per request on this machine). Such a
 * connection stays checked out of the pool (nothing else can run a statement in the stale
 * transaction); if no opening takes it within `PARK_MS`, or the pool has callers waiting, the
 * ROLLBACK is sent on its own and the connection goes back to the pool as before. What the stale
 * transaction held: a read-only snapshot and the previous request's settings, both discarded by
 * the ROLLBACK before the next BEGIN sets its own.
 */
const PARK_MS = 2;
const parkedByPool = new WeakMap<pg.Pool, { clients: pg.PoolClient[]; timer: NodeJS.Timeout | null }>();
function parkedOf(pool: pg.Pool) {
  let p = parkedByPool.get(pool);
  if (!p) {
    p = { clients: [], timer: null };
    parkedByPool.set(pool, p);
  }
  return p;
}
async function releaseWithRollback(c: pg.PoolClient): Promise<void> {
  try {
    await c.query('rollback');
    c.release();
  } catch (err) {
    c.release(err as Error);
  }
}
function flushParked(pool: pg.Pool): void {
  const p = parkedOf(pool);
  if (p.timer) clearTimeout(p.timer);
  p.timer = null;
  const clients = p.clients;
  p.clients = [];
  for (const c of clients) void releaseWithRollback(c);
}
function park(pool: pg.Pool, c: pg.PoolClient): void {
  const p = parkedOf(pool);
  p.clients.push(c);
  if (!p.timer) {
    p.timer = setTimeout(() => flushParked(pool), PARK_MS);
    p.timer.unref?.();
  }
}
/** A parked connection of this pool, if any (its ROLLBACK is still owed). */
function takeParked(pool: pg.Pool): pg.PoolClient | null {
  return parkedByPool.get(pool)?.clients.pop() ?? null;
}
/** Sends the ROLLBACK owed by every parked connection of `pool` and returns them to it (shutdown, tests). */
export function releaseParked(pool: pg.Pool): void {
  flushParked(pool);
}

/**
 * Who a transaction acts for, written into transaction settings the audit trigger reads
 * (`app.user_id`, `app.api_key_id`, `app.request_id`, `app.actor`). `actor` names a system
 * actor (`job:crm.import`, `subscriber:...`); without it the trigger says `user`, `api_key` or `system`.
 */
export interface TxActor {
  userId?: string | null;
  apiKeyId?: string | null;
  requestId?: string | null;
  actor?: string | null;
}

/** The settings statement: tenant and actor in one `select`, so they cost no extra round trip. */
function settingsSql(tenantId: string, actor: TxActor | undefined): string {
  const set = [`set_config('app.tenant_id', '${tenantId}', true)`];
  // Ids go in as they are only when they are UUIDs (anything else is not an id of ours).
  if (actor?.userId && UUID.test(actor.userId)) set.push(`set_config('app.user_id', '${actor.userId}', true)`);
  if (actor?.apiKeyId && UUID.test(actor.apiKeyId)) set.push(`set_config('app.api_key_id', '${actor.apiKeyId}', true)`);
  if (actor?.requestId) set.push(`set_config('app.request_id', ${sqlLiteral(actor.requestId.slice(0, 128))}, true)`);
  if (actor?.actor) set.push(`set_config('app.actor', ${sqlLiteral(actor.actor.slice(0, 160))}, true)`);
  return `select ${set.join(', ')}`;
}

/**
 * One transaction for one tenant, opened lazily by the first statement. BEGIN and the
 * tenant setting travel together in one round trip (simple protocol), so RLS costs no
 * extra latency.
 */
export class TenantTx {
  readonly tenantId: string;
  private readonly pool: pg.Pool;
  private client: Promise<pg.PoolClient> | null = null;
  private done = false;
  private readonly afterCommit: (() => void)[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  /** Writes that ride along with COMMIT (outbox rows): one round trip fewer per write request. */
  private deferred: string[] = [];
  /** The API key the request came with, if any: for the audit log beside the user (docs/security.md#api-keys). */
  apiKeyId: string | null = null;
  /** Round trips to the database so far (the opening BEGIN + tenant setting counts as one). */
  statements = 0;
  /** Who this transaction acts for (the audit log's actor). */
  readonly actor: TxActor | undefined;
  private openedReadOnly = false;
  /** A statement failed on the connection: it is not handed to the next opening. */
  private failed = false;
  /** Statements between taking the connection and their answer (none when it is parked). */
  private active = 0;

  constructor(pool: pg.Pool, tenantId: string, actor?: TxActor) {
    if (!UUID.test(tenantId)) throw new Error(`Invalid tenant id: ${tenantId}`);
    this.pool = pool;
    this.tenantId = tenantId;
    this.actor = actor;
  }

  /** Opened read only (a GET request): writes belong in a transaction of their own (`sibling`). */
  get readOnly(): boolean {
    return this.openedReadOnly;
  }

  /** A new transaction for the same tenant and actor, on its own connection. */
  sibling(): TenantTx {
    return new TenantTx(this.pool, this.tenantId, this.actor);
  }

  get started(): boolean {
    return this.client !== null;
  }

  private connect(): Promise<pg.PoolClient> {
    if (this.done) return Promise.reject(new Error('Transaction already finished'));
    if (!this.client) this.open();
    return this.client as Promise<pg.PoolClient>;
  }

  /**
   * Opens the transaction now, sending `extra` (simple-protocol SQL, no parameters: only
   * validated literals) in the same round trip as BEGIN and the tenant setting. Returns the
   * rows of the last statement of `extra`. `readOnly` makes any write fail loudly.
   *
   * A single `extra` statement whose only literals are UUIDs runs as a prepared statement of
   * the connection (see `openingShape`): PostgreSQL plans the opening's principal query once per
   * connection instead of on every request (measured: ~0.3 ms of its CPU a request idle, ~1 ms
   * under load, for the caller's user and permissions).
   */
  async open(opts: { extra?: string; readOnly?: boolean } = {}): Promise<Record<string, unknown>[]> {
    if (this.client) throw new Error('Transaction already open');
    let rows: Record<string, unknown>[] = [];
    this.openedReadOnly = opts.readOnly === true;
    // The tenant setting and the audit log's actor travel with BEGIN (settingsSql).
    const head = `begin${opts.readOnly ? ' read only' : ''}; ${settingsSql(this.tenantId, this.actor)}`;
    const plain = `${head}${opts.extra ? `; ${opts.extra}` : ''}`;
    const shape = opts.extra ? openingShape(opts.extra) : null;
    this.client = (async () => {
      // A parked connection still owes the ROLLBACK of the read before: it goes first.
      const parked = takeParked(this.pool);
      const c = parked ?? (await this.pool.connect());
      const owed = parked ? 'rollback; ' : '';
      this.statements += 1;
      try {
        let res: pg.QueryResult[];
        if (shape) {
          const prepared = preparedOn(c);
          const fresh = !prepared.has(shape.name);
          const sql = `${owed}${fresh ? `prepare ${shape.name} as ${shape.text}; ` : ''}${head}; execute ${shape.name}(${shape.args})`;
          try {
            res = (await c.query(sql)) as unknown as pg.QueryResult[];
            prepared.add(shape.name);
          } catch (err) {
            if (!fresh) throw err;
            // The shape could not be prepared (or its first run failed): leave the connection
            // as it was, and answer what the plain statement answers; a shape that only fails
            // prepared is not prepared again.
            await c.query('rollback').catch(() => undefined);
            await c.query(`deallocate ${shape.name}`).catch(() => undefined);
            res = (await c.query(plain)) as unknown as pg.QueryResult[];
            unpreparable.add(shape.text);
          }
        } else {
          res = (await c.query(`${owed}${plain}`)) as unknown as pg.QueryResult[];
        }
        rows = (res[res.length - 1]?.rows ?? []) as Record<string, unknown>[];
      } catch (err) {
        c.release(err as Error);
        throw err;
      }
      return c;
    })();
    await this.client;
    return rows;
  }

  async query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    opts?: { prepare?: boolean },
  ): Promise<T[]> {
    return (await this.run(sql, params, opts)).rows as T[];
  }

  /**
   * Like query, with the affected row count (the ORM's unit of work checks it). `prepare` runs
   * it as a named prepared statement: parsed and planned once per connection.
   */
  async run(
    sql: string,
    params?: readonly unknown[],
    opts?: { prepare?: boolean },
  ): Promise<{ rows: Record<string, unknown>[]; rowCount: number }> {
    const name = opts?.prepare ? preparedName(sql) : null;
    // One connection runs one statement at a time: concurrent callers (GraphQL resolvers,
    // DataLoader batches, the EntityManager) queue here instead of piling onto the client.
    const run = this.queue.then(async () => {
      this.active += 1;
      try {
        const c = await this.connect();
        this.statements += 1;
        return await (name
          ? c.query({ name, text: sql, values: params as unknown[] | undefined })
          : c.query(sql, params as unknown[] | undefined));
      } catch (err) {
        this.failed = true;
        throw err;
      } finally {
        this.active -= 1;
      }
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    const res = await run;
    return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
  }

  /**
   * Queues a parameterless statement to run just before COMMIT, in the same round trip. Only
   * for statements nothing in the transaction reads back (the outbox). Values must be
   * literals made with `sqlLiteral`.
   */
  defer(sql: string): void {
    if (this.done) throw new Error('Transaction already finished');
    this.deferred.push(sql);
  }

  private takeDeferred(): string {
    const sql = this.deferred.map((s) => `${s}; `).join('');
    this.deferred = [];
    return sql;
  }

  /** Runs after a successful commit (e.g. wake the outbox relay). */
  onCommit(fn: () => void): void {
    this.afterCommit.push(fn);
  }

  async commit(): Promise<void> {
    if (this.done) return;
    if (!this.client && this.deferred.length) await this.open();
    this.done = true;
    if (!this.client) return;
    const c = await this.client;
    try {
      await c.query(`${this.takeDeferred()}commit`);
      c.release();
    } catch (err) {
      c.release(err as Error);
      throw err;
    }
    for (const fn of this.afterCommit) fn();
  }

  /** Commits and opens a new transaction on the same connection (long jobs commit chunk by chunk). */
  async checkpoint(): Promise<void> {
    if (this.done) throw new Error('Transaction already finished');
    if (!this.client) return;
    // Behind any statement still queued, like a query.
    const run = this.queue.then(async () => {
      const c = await (this.client as Promise<pg.PoolClient>);
      this.statements += 1;
      try {
        await c.query(`${this.takeDeferred()}commit; begin; ${settingsSql(this.tenantId, this.actor)}`);
      } catch (err) {
        // Whatever failed, the connection is no longer in our transaction: give it up.
        this.done = true;
        c.release(err as Error);
        throw err;
      }
    });
    this.queue = run.then(
      () => undefined,
      () => undefined,
    );
    await run;
    for (const fn of this.afterCommit) fn();
  }

  async rollback(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.deferred = [];
    if (!this.client) return;
    let c: pg.PoolClient;
    try {
      c = await this.client;
    } catch {
      return;
    }
    // A read that went well: its ROLLBACK rides with the next opening on this connection (see
    // `park`), unless callers are already waiting for a connection of the pool. Never while a
    // statement of this transaction is still on its way: it must not land in the next one.
    if (this.openedReadOnly && !this.failed && this.active === 0 && this.pool.waitingCount === 0) {
      park(this.pool, c);
      return;
    }
    await releaseWithRollback(c);
  }
}

/** Run `fn` in a tenant transaction: commit on success, roll back on error. */
export async function withTenant<T>(
  pool: pg.Pool,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
  actor?: TxActor,
): Promise<T> {
  const tx = new TenantTx(pool, tenantId, actor);
  try {
    const result = await fn(tx);
    await tx.commit();
    return result;
  } catch (err) {
    await tx.rollback();
    throw err;
  }
}

/** `withTenant` acting for `actor` (who the audit log names). */
export function withTenantAs<T>(
  actor: TxActor | undefined,
  pool: pg.Pool,
  tenantId: string,
  fn: (tx: TenantTx) => Promise<T>,
): Promise<T> {
  return withTenant(pool, tenantId, fn, actor);
}

/**
 * A dollar-quoted SQL literal (immune to standard_conforming_strings and backslashes), or
 * `null`. The tag is chosen so it cannot occur in the value.
 */
export function sqlLiteral(value: string | null): string {
  if (value === null) return 'null';
  let tag = 'v';
  while (value.includes(`$${tag}$`)) tag += 'v';
  return `$${tag}$${value}$${tag}$`;
}
