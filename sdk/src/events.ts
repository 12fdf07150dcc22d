import type { RequestContext, SystemContext } from './context.ts';

/** A typed domain event. `permission` decides who receives it on the live channel. */
export interface EventDef<P = unknown> {
  readonly kind: 'event';
  readonly name: string;
  readonly permission: string | null;
  readonly __payload?: P;
}

export function defineEvent<P>(name: string, opts: { permission?: string } = {}): EventDef<P> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(name)) {
    throw new Error(`Event name "${name}" must look like "addon.noun.happened"`);
  }
  return { kind: 'event', name, permission: opts.permission ?? null };
}

export interface PublishedEvent<P = unknown> {
  id: string;
  name: string;
  tenantId: string;
  aggregateId: string;
  payload: P;
  actorId: string | null;
  occurredAt: string;
}

/** An in-process subscriber. Runs after commit, in its own tenant transaction. */
export interface SubscriberDef<P = unknown> {
  readonly kind: 'subscriber';
  readonly event: EventDef<P>;
  readonly name: string;
  /**
   * `inline` (default): run by the outbox relay right after commit, in order per aggregate.
   * `queued`: run by a BullMQ worker, with retries and backoff, for slow work.
   */
  readonly mode: 'inline' | 'queued';
  readonly handle: (event: PublishedEvent<P>, ctx: SystemContext) => Promise<void> | void;
}

/** Subscribe to an event (of this addon or another). `name` must be unique and stable. */
export function subscribe<P>(
  event: EventDef<P>,
  name: string,
  handle: (event: PublishedEvent<P>, ctx: SystemContext) => Promise<void> | void,
  opts: { mode?: 'inline' | 'queued' } = {},
): SubscriberDef<P> {
  return { kind: 'subscriber', event, name, mode: opts.mode ?? 'inline', handle };
}

export interface EventPublisher {
  /** Written to the outbox in the current transaction; relayed after commit. */
  publish<P>(event: EventDef<P>, aggregateId: string, payload: P): Promise<void>;
}

export type { RequestContext };
