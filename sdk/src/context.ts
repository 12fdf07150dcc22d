import type { EntityManager } from '@mikro-orm/core';
import type { Comments } from './comments.ts';
import type { CustomFields } from './custom-fields.ts';
import type { Documents } from './documents.ts';
import type { EventPublisher } from './events.ts';
import type { Extensions } from './extensions.ts';
import type { JobEnqueuer } from './jobs.ts';
import type { Mailer } from './mail.ts';
import type { AnyModel, NewRow, Patch, Row } from './model.ts';
import type { MoneyService } from './money.ts';
import type { Notifier } from './notifications.ts';
import type { RecordScope } from './permissions.ts';
import type { Secrets } from './secrets.ts';
import type { Services } from './services.ts';

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

type Scalar = string | number | boolean | null;
/** A condition on one field: a value (equality), or an operator object. */
export type Condition<V> =
  | V
  | null
  | { in: readonly V[] }
  | { ne: V | null }
  | { gt: V }
  | { gte: V }
  | { lt: V }
  | { lte: V }
  | { ilike: string };

export type Where<M extends AnyModel> = {
  [K in keyof Row<M>]?: Condition<Exclude<Row<M>[K], null> & Scalar>;
};

export type OrderBy<M extends AnyModel> = { field: keyof Row<M> & string; dir?: 'asc' | 'desc' }[];

export interface FindOptions<M extends AnyModel> {
  where?: Where<M>;
  orderBy?: OrderBy<M>;
  limit?: number;
  offset?: number;
}

/** A model's rows in the current tenant. Every statement is scoped to the tenant. */
export interface Repository<M extends AnyModel> {
  readonly model: M;
  get(id: string): Promise<Row<M> | null>;
  /** Throws NOT_FOUND (404) when the row does not exist in this tenant. */
  getOrThrow(id: string): Promise<Row<M>>;
  /** Rows for many ids in the same order (null where missing): the DataLoader batch shape. */
  getMany(ids: readonly string[]): Promise<(Row<M> | null)[]>;
  find(opts?: FindOptions<M>): Promise<Row<M>[]>;
  count(where?: Where<M>): Promise<number>;
  /** One page plus the total count. */
  page(opts: FindOptions<M> & { limit: number; offset: number }): Promise<{ rows: Row<M>[]; total: number }>;
  insert(data: NewRow<M>): Promise<Row<M>>;
  update(id: string, patch: Patch<M>): Promise<Row<M> | null>;
  delete(id: string): Promise<boolean>;
}

/** The database as the current tenant sees it, inside the request's transaction. */
export interface TenantDb {
  /**
   * Runs one statement in the request's transaction. `prepare: true` runs it as a named
   * prepared statement (parsed and planned once per connection, not per request): for hot
   * statements whose text comes from a small fixed set (values always as parameters).
   */
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
    opts?: { prepare?: boolean },
  ): Promise<T[]>;
  repo<M extends AnyModel>(model: M): Repository<M>;
}

/** What the data layer asks the caller's permissions when it reads or writes an owned model. */
export interface RecordRules {
  /**
   * The owners whose rows of `model` the caller may see (`read`), change (`update`) or delete,
   * from the grants on `<model.access>.read|write|delete`; null for all rows. Throws FORBIDDEN
   * when the caller lacks the permission.
   */
  ownerIds(model: AnyModel, op: 'read' | 'update' | 'delete'): Promise<readonly string[] | null>;
}

export interface TenantInfo {
  id: string;
  slug: string;
  name: string;
}

export interface UserInfo {
  id: string;
  email: string;
  name: string;
  /**
   * The user's formatting preferences (profile): a BCP 47 locale and an IANA time zone, for dates,
   * numbers and amounts the server formats for them (a PDF, a mail, "this month"). null: none set.
   */
  locale?: string | null;
  timeZone?: string | null;
  /** The language the user reads the app in (en, de, es); null: the browser's. docs/i18n.md. */
  language?: string | null;
}

/** Batches and caches loads for one request (DataLoader). */
export interface LoaderFactory {
  loader<K, V>(
    key: string,
    batch: (keys: readonly K[]) => Promise<readonly (V | Error)[]>,
  ): {
    load(key: K): Promise<V>;
  };
}

/** What code run on behalf of a tenant gets: resolvers, routes, subscribers, jobs, hooks. */
export interface SystemContext extends LoaderFactory {
  tenant: TenantInfo;
  db: TenantDb;
  /**
   * MikroORM's EntityManager for this transaction: entities are the models (`entitySchemaOf(Model)`),
   * every statement is filtered to the tenant (and checked by row-level security), new rows get
   * tenant_id, created_by and owner_id. In a request it also applies the caller's record rules to
   * owned models on every find, count, update and delete (`filters: { records: false }` opts out,
   * visibly). Runs in the same transaction as `db`.
   */
  readonly em: EntityManager;
  events: EventPublisher;
  jobs: JobEnqueuer;
  /** Email through the kernel's mail service: sent only if this transaction commits. */
  mail: Mailer;
  /** In-app notifications to users of the tenant: shown only if this transaction commits. */
  notifications: Notifier;
  /** Business documents as PDF with the tenant's template and branding; attached to records, linked. */
  documents: Documents;
  /** Encrypts what must be stored but never shown (an integration's API key), bound to this tenant. */
  secrets: Secrets;
  /** Services provided by the addons this tenant has enabled (typed tokens, `defineService`). */
  services: Services;
  /** The tenant's company currency and dated exchange rates (`rate`, `convert`, `totals`). */
  money: MoneyService;
  /** The tenant's custom fields on opted-in models (validation, visibility, filters); see custom-fields.ts. */
  customFields: CustomFields;
  log: Logger;
  /** This addon's validated settings for the tenant. */
  settings<T = Record<string, unknown>>(addonId: string): Promise<T>;
  /**
   * The audit log. Creates, updates and deletes are logged by the data layer on their own; an
   * addon records what changes no row (an export, a download) with `ctx.audit.record`.
   */
  audit: AuditLog;
}

/** An explicit audit entry: who and when come from the context. */
export interface AuditRecord {
  /** What happened, e.g. `export` (dotted names for an addon's own: `crm.merge`). */
  action: string;
  /** The table or model concerned, when there is one. */
  table?: string | null;
  recordId?: string | null;
  /** Facts about it (no secrets, no bulk data: a filter, a row count). */
  detail?: Readonly<Record<string, unknown>> | null;
}

export interface AuditLog {
  /** Written in the context's transaction (a read-only one: in its own, as the same actor). */
  record(entry: AuditRecord): Promise<void>;
}

/** A request by a user (or API key) of a tenant. */
/** Who is acting: a signed-in user, or an API key (then `user` is the key's creator). */
export interface RequestActor {
  kind: 'user' | 'apiKey';
  id: string;
}

export interface RequestContext extends SystemContext {
  requestId: string;
  /** The addons the tenant has enabled (ids): what shapes the APIs it sees. */
  readonly enabledAddons: ReadonlySet<string>;
  user: UserInfo;
  /** The user, or the API key acting with its creator's name (the audit log names the key). */
  actor?: RequestActor;
  can(permission: string): boolean;
  /** Throws FORBIDDEN (403) naming the permission when the caller lacks it. */
  require(permission: string): void;
  /** The widest record scope the caller holds for a permission (`all`, `team`, `own`), or null. */
  scope(permission: string): RecordScope | null;
  /**
   * A repository limited by the caller's record rules for `permission`: every read, update
   * and delete sees only the rows the caller may see; inserts and owner changes stay inside
   * the scope. FORBIDDEN (403) when the caller lacks the permission.
   */
  scoped<M extends AnyModel>(model: M, permission: string): Promise<Repository<M>>;
  /**
   * For hand-written SQL under record rules: the owner ids the caller may see for
   * `permission` (filter with `owner_id = any($n)`), or null when the caller sees all rows.
   * FORBIDDEN (403) when the caller lacks the permission.
   */
  ownerIds(permission: string): Promise<readonly string[] | null>;
  /** The user ids whose `own` records the caller sees under `team` scope (including the caller). */
  teamUserIds(): Promise<readonly string[]>;
  /** Contributions of enabled addons to an extension point. */
  extensions: Extensions;
  /** Comments on records of commentable models (`commentsOn`), as the caller may read them. */
  comments: Comments;
}
