import { evaluateCondition, fieldColumn } from '@elevate/sdk';
import { CronExpressionParser } from 'cron-parser';
import type pg from 'pg';
import { quoteIdent } from '../db/pools.ts';
import { withTenantAs } from '../db/tenant-tx.ts';
import type { Runtime } from '../runtime.ts';
import type { AutomationEngine } from './engine.ts';
import type { RuleRow, RunTrigger } from './rows.ts';

/** At most this many firings of one rule are caught up in one tick (a long outage does not flood). */
const MAX_FIRES = 100;
const MAX_RECORDS = 1000;

/** Cron firings in (from, to], oldest first, at most MAX_FIRES (the latest ones). */
export function cronFires(cron: string, tz: string | undefined, from: Date, to: Date): Date[] {
  const it = CronExpressionParser.parse(cron, { currentDate: from, ...(tz ? { tz } : {}) });
  const out: Date[] = [];
  for (let i = 0; i < 100_000; i++) {
    const next = it.next().toDate();
    if (next > to) break;
    out.push(next);
  }
  return out.slice(-MAX_FIRES);
}

/**
 * Schedule and date triggers of every tenant, from each rule's cursor up to `now` (the engine's
 * clock): a run per cron firing (event key `schedule:<time>`) and per record whose date field,
 * shifted by the offset, fell in the window (`date:<record>:<date>`). Idempotent: the cursor and
 * the run's unique key. Returns the tenants that got runs.
 */
export async function runSchedules(
  engine: AutomationEngine,
  rt: Runtime,
  owner: pg.PoolClient,
  now: Date,
): Promise<Set<string>> {
  const rules = await owner.query<RuleRow & { tenantId: string }>(
    `select r.tenant_id as "tenantId", r.id, name, enabled, trigger, conditions, actions, owner_id as "ownerId",
       c.cursor_at as "cursorAt", r.created_at as "createdAt"
     from core_automation_rule r left join core_automation_cursor c on c.tenant_id = r.tenant_id and c.rule_id = r.id
     where enabled and trigger->>'type' in ('schedule', 'date')`,
  );
  const touched = new Set<string>();
  for (const rule of rules.rows) {
    const tenant = await rt.tenantById(rule.tenantId);
    if (!tenant) continue;
    const enabled = await rt.enabledAddons(tenant.id);
    if (engine.catalog.pausedReason(rule.trigger, rule.actions, enabled)) continue;
    const from = new Date(rule.cursorAt ?? rule.createdAt);
    if (!(from < now)) continue;
    const made = await withTenantAs({ actor: 'automation' }, rt.pools.app, tenant.id, async (tx) => {
      let n = 0;
      const t = rule.trigger;
      if (t.type === 'schedule') {
        for (const at of cronFires(t.cron, t.tz, from, now)) {
          const trigger: RunTrigger = {
            payload: { firedAt: at.toISOString() },
            model: null,
            recordId: null,
            record: null,
            changes: [],
            occurredAt: at.toISOString(),
          };
          if (!evaluateCondition(rule.conditions, trigger)) continue;
          const key = `schedule:${at.toISOString()}`;
          if (await engine.insertRun(tx, rule, { eventKey: key, eventName: 'core.schedule', trigger, depth: 0 }))
            n += 1;
        }
      } else if (t.type === 'date') {
        const info = engine.catalog.models.get(t.model);
        const stamp = t.field === 'createdAt' ? 'created_at' : t.field === 'updatedAt' ? 'updated_at' : null;
        const def = stamp ? { kind: 'datetime' } : (info?.model.fields[t.field] as { kind: string } | undefined);
        if (info && def && (def.kind === 'date' || def.kind === 'datetime')) {
          const col = quoteIdent(stamp ?? fieldColumn(t.field, def as never));
          const shift = t.offsetDays * 86_400_000;
          // The date plus the offset fell in (from, now]: the date is in (from - offset, now - offset].
          const rows = await tx.query<{ id: string; d: string }>(
            `select id, ${col}::text as d from ${quoteIdent(info.model.table)}
             where tenant_id = $1 and ${col}::timestamptz > $2 and ${col}::timestamptz <= $3
             order by ${col}, id limit ${MAX_RECORDS}`,
            [
              tx.tenantId,
              new Date(from.getTime() - shift).toISOString(),
              new Date(now.getTime() - shift).toISOString(),
            ],
          );
          for (const r of rows) {
            const record = await engine.loadRecord(tx, tenant, info, r.id);
            if (!record) continue;
            const trigger: RunTrigger = {
              payload: { recordId: r.id, field: t.field, date: r.d, offsetDays: t.offsetDays },
              model: t.model,
              recordId: r.id,
              record,
              changes: [],
              occurredAt: now.toISOString(),
            };
            if (!evaluateCondition(rule.conditions, trigger)) continue;
            const key = `date:${r.id}:${r.d}`;
            if (await engine.insertRun(tx, rule, { eventKey: key, eventName: 'core.date', trigger, depth: 0 })) n += 1;
          }
        }
      }
      await tx.query(
        `insert into core_automation_cursor (tenant_id, rule_id, cursor_at) values ($1, $2, $3)
         on conflict (tenant_id, rule_id) do update set cursor_at = excluded.cursor_at`,
        [tx.tenantId, rule.id, now.toISOString()],
      );
      return n;
    });
    if (made > 0) touched.add(tenant.id);
  }
  return touched;
}
