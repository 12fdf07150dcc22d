import type { AnyAddon, PublishedEvent, SubscriberDef } from '@elevate/sdk';
import { systemContext } from '../context/context.ts';
import { withTenantAs } from '../db/tenant-tx.ts';
import type { Runtime } from '../runtime.ts';

export interface OutboxRow {
  tenant_id: string;
  id: string;
  kind: 'event' | 'job';
  name: string;
  aggregate_id: string;
  payload: unknown;
  actor_id: string | null;
  job_id: string | null;
  created_at: string;
  delivered: string[];
  /** Jobs: milliseconds until the row's run_at (null when it has none). */
  delay_ms?: number | null;
}

export function toEvent(row: OutboxRow): PublishedEvent {
  return {
    id: row.id,
    name: row.name,
    tenantId: row.tenant_id,
    aggregateId: row.aggregate_id,
    payload: row.payload,
    actorId: row.actor_id,
    occurredAt: row.created_at,
  };
}

/** Subscribers of an event among the addons this tenant has enabled, in dependency order. */
export async function subscribersFor(
  rt: Runtime,
  tenantId: string,
  eventName: string,
  mode: 'inline' | 'queued',
): Promise<{ addon: AnyAddon; sub: SubscriberDef }[]> {
  const enabled = await rt.enabledAddons(tenantId);
  const out: { addon: AnyAddon; sub: SubscriberDef }[] = [];
  for (const addon of rt.addons) {
    if (!enabled.has(addon.id)) continue;
    for (const sub of addon.subscribers) {
      if (sub.event.name === eventName && sub.mode === mode) out.push({ addon, sub });
    }
  }
  return out;
}

/** Runs one subscriber in its own tenant transaction. */
export async function runSubscriber(
  rt: Runtime,
  addon: AnyAddon,
  sub: SubscriberDef,
  event: PublishedEvent,
): Promise<void> {
  const tenant = await rt.tenantById(event.tenantId);
  if (!tenant) return;
  const log = rt.log.child({ tenant: tenant.slug, addon: addon.id, subscriber: sub.name, event: event.name });
  // The audit log names the subscriber, and the user whose change raised the event.
  const actor = { actor: `subscriber:${addon.id}.${sub.name}`, userId: event.actorId ?? null };
  await withTenantAs(actor, rt.pools.app, tenant.id, async (tx) => {
    const ctx = systemContext(rt, tx, tenant, log);
    await sub.handle(event, ctx);
  });
}
