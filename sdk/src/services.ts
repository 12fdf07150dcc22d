import type { SystemContext } from './context.ts';

/**
 * A typed service id: `defineService<StockService>('inventory.stock')`. The addon that owns the
 * contract exports the token; addons provide implementations (`provide`), others resolve them
 * through `ctx.services`. Several addons may provide one token (a mail or payment provider):
 * the tenant chooses which one is active.
 */
export interface ServiceToken<T> {
  readonly kind: 'service';
  readonly id: string;
  /** Carries the type only; never set. */
  readonly __type?: T;
}

export function defineService<T>(id: string): ServiceToken<T> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)+$/.test(id)) {
    throw new Error(`Service id "${id}" must look like "addon.name"`);
  }
  return { kind: 'service', id };
}

/** One addon's implementation of a service. */
export interface ServiceProvider<T = unknown> {
  readonly kind: 'provider';
  readonly token: ServiceToken<T>;
  /**
   * `context`: built once per context (a request, a job run, a subscriber call) from that
   * context, so it sees the caller's tenant, transaction and permissions. `kernel`: one value
   * for the whole process (no tenant state in it).
   */
  readonly scope: 'context' | 'kernel';
  readonly create: (ctx: SystemContext) => T;
}

/** Provide a service built per context: `provide(Stock, (ctx) => new StockService(ctx))`. */
export function provide<T>(token: ServiceToken<T>, create: (ctx: SystemContext) => T): ServiceProvider<T> {
  return { kind: 'provider', token, scope: 'context', create };
}

/** Provide one value for the whole process (stateless helpers, clients without tenant data). */
export function provideValue<T>(token: ServiceToken<T>, value: T): ServiceProvider<T> {
  return { kind: 'provider', token, scope: 'kernel', create: () => value };
}

/** Resolves services for the current tenant, only from addons the tenant has enabled. */
export interface Services {
  /**
   * The tenant's implementation: the only enabled provider, or the one the tenant chose when
   * several are enabled. Throws SERVICE_NOT_ENABLED when no enabled addon provides it, and
   * SERVICE_NOT_CHOSEN when several do and the tenant chose none (both `ServiceError`, 409).
   */
  get<T>(token: ServiceToken<T>): Promise<T>;
  /** As `get`, but null when no enabled addon provides it (optional integrations). */
  find<T>(token: ServiceToken<T>): Promise<T | null>;
  /** Every enabled provider's implementation, in dependency order, with the providing addon. */
  all<T>(token: ServiceToken<T>): Promise<{ addon: string; service: T }[]>;
}
