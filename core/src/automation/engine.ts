import { randomUUID } from 'node:crypto';
import {
  type ActionContext,
  type ActionRunInfo,
  type AnyAction,
  AppError,
  evaluateCondition,
  fillTemplate,
  type JsonValue,
  type PublishedEvent,
  type TenantInfo,
} from '@elevate/sdk';
import { type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { commentCreatedTrigger } from '../comments/commentables.ts';
import { requestContext, systemContext } from '../context/context.ts';
import { type TenantTx, withTenantAs } from '../db/tenant-tx.ts';
import { bounded, workerRedis } from '../jobs/queues.ts';
import type { Runtime } from '../runtime.ts';
import { Catalog, type ModelInfo, RECORD_EVENTS } from './catalog.ts';
import { coreActions, WAIT_ACTION, waitMs } from './core-actions.ts';
import { flatten, onPath, type PlanEntry } from './plan.ts';
import { RULE_COLUMNS, RUN_COLUMNS, type RuleRow, type RunRow, type RunTrigger } from './rows.ts';
import { runSchedules } from './schedule-tick.ts';
import { compileParams } from './validate.ts';

export const AUTOMATION_QUEUE = 'automation';

/** The engine's clock: real time, or one a test moves by hand. */
export interface Clock {
  now(): Date;
}

type Jobs = { name: 'run' | 'wake'; data: { tenantId: string; runId: string } };

/** An action failure that no retry can fix (bad parameters, a missing permission, a missing record). */
function permanent(err: unknown): boolean {
  return err instanceof AppError && err.status < 500 && err.status !== 409 && err.status !== 429;
}

const message = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 2000);

/**
 * The rule engine (docs/automation.md). Events reach it from the events queue after the relay
 * (so only committed events); it writes one run per rule and event (unique key: rule + event id,
 * so a twice-relayed event runs once), and runs them on its own BullMQ queue, step by step, each
 * action in its own tenant transaction together with its history row. Fairness: at most
 * `tenantConcurrency` runs of one tenant are on the queue at a time; the rest wait in the
 * database and are let through in order as that tenant's runs finish.
 */
export class AutomationEngine {
  readonly catalog: Catalog;
  clock: Clock = { now: () => new Date() };
  private readonly rt: Runtime;
  private readonly queue: Queue;
  private worker: Worker | null = null;
  private conn: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly secrets = new WeakMap<ActionContext, string>();
  private readonly validators = new Map<string, ReturnType<typeof compileParams>>();

  constructor(rt: Runtime, redis: Redis) {
    this.rt = rt;
    this.catalog = new Catalog(
      rt.addons,
      coreActions(
        rt,
        () => this.catalog,
        (ctx) => this.secrets.get(ctx) ?? '',
      ),
      // The kernel's own domain events offered as triggers.
      [commentCreatedTrigger],
    );
    this.queue = new Queue(AUTOMATION_QUEUE, { connection: redis, prefix: rt.config.redisPrefix });
    this.queue.on('error', () => {});
  }

  start(): void {
    if (this.worker) return;
    this.conn = workerRedis(this.rt.config);
    this.worker = new Worker(AUTOMATION_QUEUE, (job: Job) => this.process(job as unknown as Jobs), {
      connection: this.conn,
      prefix: this.rt.config.redisPrefix,
      concurrency: this.rt.config.automation.workerConcurrency,
    });
    this.worker.on('error', (err) => this.rt.log.warn({ err: String(err) }, 'automation worker error'));
    this.timer = setInterval(() => {
      this.tick().catch((err) => this.rt.log.warn({ err: String(err) }, 'automation tick failed'));
    }, this.rt.config.automation.tickMs);
    this.timer.unref();
  }

  /** Holds the worker (runs already let onto the queue stay there): for operations and tests. */
  async pauseWorker(): Promise<void> {
    await this.worker?.pause();
  }

  resumeWorker(): void {
    this.worker?.resume();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.worker?.close();
    this.worker = null;
    this.conn?.disconnect();
    this.conn = null;
    await this.queue.close().catch(() => {});
  }

  private log(tenant: TenantInfo) {
    return this.rt.log.child({ tenant: tenant.slug, component: 'automation' });
  }

  // ---------------------------------------------------------------- events → runs

  /** A relayed event: one run per enabled rule it triggers and whose conditions hold. */
  async onEvent(event: PublishedEvent): Promise<number> {
    const tenant = await this.rt.tenantById(event.tenantId);
    if (!tenant) return 0;
    const enabled = await this.rt.enabledAddons(tenant.id);
    let filter: Record<string, string>;
    let model: ModelInfo | null = null;
    let recordId: string | null = null;
    let changes: string[] = [];
    let on: string | null = null;
    if (event.name.startsWith('core.record.')) {
      const p = (event.payload ?? {}) as { table?: string; recordId?: string; changes?: string[] };
      model = p.table ? (this.catalog.modelsByTable.get(p.table) ?? null) : null;
      if (!model || !enabled.has(model.addon) || !p.recordId) return 0;
      on = event.name.slice('core.record.'.length);
      filter = { type: 'record', model: model.model.name, on };
      recordId = p.recordId;
      changes = (p.changes ?? []).map((c) => model?.fieldOf.get(c) ?? c);
    } else {
      const t = this.catalog.triggers.get(event.name);
      if (!t || (t.addon && !enabled.has(t.addon))) return 0;
      filter = { type: 'event', event: event.name };
      model = t.def.model ? (this.catalog.models.get(t.def.model.name) ?? null) : null;
      recordId = model ? event.aggregateId : null;
      if (event.name.startsWith('core.comment.')) {
        // A comment is about a record of any model: `record.*` is the commented record.
        const p = (event.payload ?? {}) as { model?: string; recordId?: string };
        model = p.model ? (this.catalog.models.get(p.model) ?? null) : null;
        recordId = model && p.recordId ? p.recordId : null;
      }
      const named = (event.payload as { changes?: unknown } | null)?.changes;
      changes = Array.isArray(named) ? named.filter((c): c is string => typeof c === 'string') : [];
    }
    const created = await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, async (tx) => {
      const rules = await tx.query<RuleRow>(
        `select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 and enabled and trigger @> $2::jsonb`,
        [tx.tenantId, JSON.stringify(filter)],
      );
      if (rules.length === 0) return 0;
      const depthRow = /^\d+$/.test(event.id)
        ? await tx.query<{ d: number }>(
            'select automation_depth as d from core_outbox where tenant_id = $1 and id = $2::bigint',
            [tx.tenantId, event.id],
          )
        : [];
      const depth = depthRow[0]?.d ?? 0;
      const record = model && recordId && on !== 'deleted' ? await this.loadRecord(tx, tenant, model, recordId) : null;
      const trigger: RunTrigger = {
        payload: event.payload ?? null,
        model: model?.model.name ?? null,
        recordId,
        record,
        changes,
        occurredAt: event.occurredAt,
      };
      let n = 0;
      for (const rule of rules) {
        if (this.catalog.pausedReason(rule.trigger, rule.actions, enabled)) continue;
        if (rule.trigger.type === 'record' && rule.trigger.on === 'updated' && rule.trigger.fields?.length) {
          const watched = rule.trigger.fields;
          if (!changes.some((c) => watched.includes(c))) continue;
        }
        if (!evaluateCondition(rule.conditions, trigger)) continue;
        if (await this.insertRun(tx, rule, { eventKey: `evt:${event.id}`, eventName: event.name, trigger, depth }))
          n += 1;
      }
      return n;
    });
    if (created > 0) await this.pump(tenant.id);
    return created;
  }

  /** The record as the data layer returns it (camelCase fields), or null when it is gone. */
  async loadRecord(
    tx: TenantTx,
    tenant: TenantInfo,
    model: ModelInfo,
    id: string,
  ): Promise<Record<string, unknown> | null> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
    const ctx = systemContext(this.rt, tx, tenant, this.log(tenant));
    return ((await ctx.db.repo(model.model).get(id)) as Record<string, unknown> | null) ?? null;
  }

  /**
   * One run of a rule for one event (idempotent on rule + event key). Past the loop guard's
   * depth the run is recorded as stopped, with the reason, and never executes.
   */
  async insertRun(
    tx: TenantTx,
    rule: Pick<RuleRow, 'id'>,
    r: { eventKey: string; eventName: string; trigger: RunTrigger; depth: number },
  ): Promise<string | null> {
    const max = this.rt.config.automation.maxDepth;
    const stopped = r.depth >= max;
    const rows = await tx.query<{ id: string }>(
      `insert into core_automation_run (tenant_id, id, rule_id, event_key, event_name, trigger, depth, status, reason, finished_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8::varchar, $9, case when $8::varchar = 'stopped' then now() end)
       on conflict (tenant_id, rule_id, event_key) where not dry_run do nothing returning id`,
      [
        tx.tenantId,
        randomUUID(),
        rule.id,
        r.eventKey.slice(0, 300),
        r.eventName,
        JSON.stringify(r.trigger),
        r.depth,
        stopped ? 'stopped' : 'queued',
        stopped
          ? `Loop guard: this event comes from a chain of ${r.depth} rule runs (the limit is ${max}); the run was stopped`
          : null,
      ],
    );
    return rows[0]?.id ?? null;
  }

  // ---------------------------------------------------------------- fairness

  /**
   * Lets queued runs of one tenant onto the queue, oldest first, up to the tenant's limit of
   * runs queued or running at once (under a per-tenant lock, so two pumps never overfill it).
   */
  async pump(tenantId: string): Promise<number> {
    const limit = this.rt.config.automation.tenantConcurrency;
    const ids = await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenantId, async (tx) => {
      await tx.query("select pg_advisory_xact_lock(hashtext('core_automation:' || $1))", [tx.tenantId]);
      const rows = await tx.query<{ id: string }>(
        `update core_automation_run set status = 'ready', dispatched_at = now()
         where tenant_id = $1 and id in (
           select id from core_automation_run where tenant_id = $1 and status = 'queued'
           order by created_at, id
           limit greatest(0, $2 - (select count(*) from core_automation_run
                                   where tenant_id = $1 and status in ('ready', 'running'))))
         returning id`,
        [tx.tenantId, limit],
      );
      return rows.map((r) => r.id);
    });
    if (ids.length === 0) return 0;
    await bounded(
      this.queue.addBulk(
        ids.map((runId) => ({
          name: 'run',
          data: { tenantId, runId },
          opts: {
            jobId: `run-${runId}-${randomUUID()}`,
            removeOnComplete: { age: 3600, count: 1000 },
            removeOnFail: { age: 86_400 },
          },
        })),
      ),
      5000,
      'queue automation runs',
    );
    return ids.length;
  }

  /** A parked run (after a wait, or before a retry) whose time has come goes back in line. */
  async wake(tenantId: string, runId: string): Promise<boolean> {
    const woke = await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenantId, (tx) =>
      tx.query(
        `update core_automation_run set status = 'queued', resume_at = null
         where tenant_id = $1 and id = $2 and status = 'waiting' and resume_at <= $3 returning id`,
        [tx.tenantId, runId, this.clock.now().toISOString()],
      ),
    );
    if (woke.length) await this.pump(tenantId);
    return woke.length > 0;
  }

  private async park(tenantId: string, runId: string, at: Date): Promise<void> {
    const delay = Math.max(0, at.getTime() - this.clock.now().getTime());
    // The tick also wakes it (and a test's clock can move past it): the delayed job is the fast path.
    await bounded(
      this.queue.add(
        'wake',
        { tenantId, runId },
        { jobId: `wake-${runId}-${randomUUID()}`, delay, removeOnComplete: true, removeOnFail: { age: 86_400 } },
      ),
      5000,
      'queue automation wake',
    ).catch((err) => this.rt.log.warn({ err: String(err), runId }, 'wake not queued; the tick will wake the run'));
  }

  // ---------------------------------------------------------------- running

  async process(job: Jobs): Promise<void> {
    const { tenantId, runId } = job.data;
    if (job.name === 'wake') {
      await this.wake(tenantId, runId);
      return;
    }
    const tenant = await this.rt.tenantById(tenantId);
    if (!tenant) return;
    const claimed = await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenantId, async (tx) => {
      const run = await tx.query<RunRow>(
        `update core_automation_run set status = 'running', started_at = coalesce(started_at, now()),
           start_seq = coalesce(start_seq, nextval('core_automation_start_seq'))
         where tenant_id = $1 and id = $2 and status = 'ready' returning ${RUN_COLUMNS}`,
        [tx.tenantId, runId],
      );
      if (!run[0]) return null;
      const rule = await tx.query<RuleRow>(
        `select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 and id = $2`,
        [tx.tenantId, run[0].ruleId],
      );
      const steps = await tx.query<{ key: string; action: string; output: unknown }>(
        `select step_key as key, action, output from core_automation_step
         where tenant_id = $1 and run_id = $2 and status = 'succeeded'`,
        [tx.tenantId, runId],
      );
      return rule[0] ? { run: run[0], rule: rule[0], steps } : null;
    });
    if (!claimed) return;
    try {
      await this.advance(tenant, claimed.run, claimed.rule, claimed.steps);
    } finally {
      await this.pump(tenantId);
    }
  }

  private async finish(
    tenantId: string,
    runId: string,
    status: 'succeeded' | 'failed',
    extra: { error?: string; failedStep?: string; reason?: string } = {},
  ) {
    await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenantId, (tx) =>
      tx.query(
        `update core_automation_run set status = $3, finished_at = now(), error = $4, failed_step = $5, reason = coalesce($6, reason)
         where tenant_id = $1 and id = $2`,
        [tx.tenantId, runId, status, extra.error ?? null, extra.failedStep ?? null, extra.reason ?? null],
      ),
    );
  }

  private async recordStep(
    tx: TenantTx,
    runId: string,
    e: PlanEntry,
    seq: number,
    s: { status: string; input?: unknown; output?: unknown; error?: string | null; durationMs?: number },
  ): Promise<void> {
    await tx.query(
      `insert into core_automation_step (tenant_id, run_id, step_key, seq, action, status, input, output, error, duration_ms, finished_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
       on conflict (tenant_id, run_id, step_key) do update set status = excluded.status, input = excluded.input,
         output = excluded.output, error = excluded.error, duration_ms = excluded.duration_ms,
         attempts = core_automation_step.attempts + 1, started_at = now(), finished_at = now()`,
      [
        tx.tenantId,
        runId,
        e.key,
        seq,
        e.kind === 'branch' ? 'branch' : e.action,
        s.status,
        s.input === undefined ? null : JSON.stringify(s.input),
        s.output === undefined ? null : JSON.stringify(s.output),
        s.error ?? null,
        s.durationMs ?? null,
      ],
    );
  }

  /** Runs a claimed run from its position to its end, a wait, a retry or a failure. */
  private async advance(
    tenant: TenantInfo,
    run: RunRow,
    rule: RuleRow,
    done: { key: string; action: string; output: unknown }[],
  ): Promise<void> {
    const enabled = await this.rt.enabledAddons(tenant.id);
    const paused = this.catalog.pausedReason(rule.trigger, rule.actions, enabled);
    if (paused) {
      await this.finish(tenant.id, run.id, 'failed', { error: paused, reason: paused });
      return;
    }
    const plan = flatten(rule.actions);
    const outputs: Record<string, unknown> = {};
    const taken = new Map<string, string>();
    for (const d of done) {
      outputs[d.key] = d.output;
      if (d.action === 'branch') taken.set(d.key, (d.output as { took?: string } | null)?.took ?? 'no');
    }
    const scope = { ...run.trigger, steps: outputs };
    for (let i = run.position; i < plan.length; i++) {
      const e = plan[i] as PlanEntry;
      if (!onPath(e, taken)) continue;
      if (e.kind === 'branch') {
        const took = evaluateCondition(e.condition, scope) ? 'yes' : 'no';
        taken.set(e.id, took);
        outputs[e.id] = { took };
        await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, async (tx) => {
          await this.recordStep(tx, run.id, e, i, { status: 'succeeded', output: { took } });
          await tx.query('update core_automation_run set position = $3 where tenant_id = $1 and id = $2', [
            tx.tenantId,
            run.id,
            i + 1,
          ]);
        });
        continue;
      }
      const entry = this.catalog.actions.get(e.action);
      if (!entry) {
        await this.finish(tenant.id, run.id, 'failed', {
          error: `No action "${e.action}" is installed`,
          failedStep: e.id,
        });
        return;
      }
      const params = (fillTemplate(e.params as JsonValue, scope) ?? {}) as Record<string, unknown>;
      const invalid = this.validate(entry.def, params);
      if (invalid) {
        await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, (tx) =>
          this.recordStep(tx, run.id, e, i, { status: 'failed', input: params, error: invalid }),
        );
        await this.finish(tenant.id, run.id, 'failed', { error: invalid, failedStep: e.id });
        return;
      }
      if (e.action === WAIT_ACTION) {
        const until = new Date(this.clock.now().getTime() + waitMs(params));
        await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, async (tx) => {
          await this.recordStep(tx, run.id, e, i, {
            status: 'succeeded',
            input: params,
            output: { until: until.toISOString() },
          });
          await tx.query(
            `update core_automation_run set status = 'waiting', position = $3, attempt = 0, resume_at = $4
             where tenant_id = $1 and id = $2`,
            [tx.tenantId, run.id, i + 1, until.toISOString()],
          );
        });
        await this.park(tenant.id, run.id, until);
        return;
      }
      const ok = await this.runAction(tenant, run, rule, entry.def, e, i, params, outputs, enabled);
      if (!ok) return;
    }
    await this.finish(tenant.id, run.id, 'succeeded');
  }

  private validate(def: AnyAction, params: unknown): string | null {
    let v = this.validators.get(def.name);
    if (!v) {
      v = compileParams(def.params);
      this.validators.set(def.name, v);
    }
    return v(params);
  }

  /** One action in its own transaction with its history row. Returns whether the run goes on. */
  private async runAction(
    tenant: TenantInfo,
    run: RunRow,
    rule: RuleRow,
    def: AnyAction,
    e: PlanEntry & { kind: 'action' },
    seq: number,
    params: Record<string, unknown>,
    outputs: Record<string, unknown>,
    enabled: ReadonlySet<string>,
  ): Promise<boolean> {
    const started = performance.now();
    const info: ActionRunInfo = {
      rule: { id: rule.id, name: rule.name, ownerId: rule.ownerId },
      run: { id: run.id, attempt: run.attempt + 1, depth: run.depth },
      stepId: e.id,
      trigger: {
        event: run.eventName,
        payload: run.trigger.payload,
        model: run.trigger.model,
        recordId: run.trigger.recordId,
        record: run.trigger.record,
        changes: run.trigger.changes,
      },
      steps: { ...outputs },
    };
    try {
      const output = await withTenantAs(
        { actor: `automation:${rule.id}`, userId: rule.ownerId },
        this.rt.pools.app,
        tenant.id,
        async (tx) => {
          // Events this action causes carry the chain's depth (the loop guard reads it).
          await tx.query("select set_config('app.automation_depth', $1, true)", [String(run.depth + 1)]);
          const ctx = this.actionContext(tx, tenant, info, rule, enabled, def.name);
          const result = (await def.run(params, ctx)) ?? null;
          await this.recordStep(tx, run.id, e, seq, {
            status: 'succeeded',
            input: params,
            output: result,
            durationMs: Math.round(performance.now() - started),
          });
          await tx.query('update core_automation_run set position = $3, attempt = 0 where tenant_id = $1 and id = $2', [
            tx.tenantId,
            run.id,
            seq + 1,
          ]);
          return result;
        },
      );
      outputs[e.id] = output;
      return true;
    } catch (err) {
      const attempt = run.attempt + 1;
      const error = message(err);
      const durationMs = Math.round(performance.now() - started);
      if (!permanent(err) && attempt < def.attempts) {
        const at = new Date(this.clock.now().getTime() + def.backoffMs * 2 ** (attempt - 1));
        await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, async (tx) => {
          await this.recordStep(tx, run.id, e, seq, { status: 'retrying', input: params, error, durationMs });
          await tx.query(
            `update core_automation_run set status = 'waiting', position = $3, attempt = $4, resume_at = $5, error = $6
             where tenant_id = $1 and id = $2`,
            [tx.tenantId, run.id, seq, attempt, at.toISOString(), error],
          );
        });
        await this.park(tenant.id, run.id, at);
        return false;
      }
      await withTenantAs({ actor: 'automation' }, this.rt.pools.app, tenant.id, (tx) =>
        this.recordStep(tx, run.id, e, seq, { status: 'failed', input: params, error, durationMs }),
      );
      await this.finish(tenant.id, run.id, 'failed', { error, failedStep: e.id });
      return false;
    }
  }

  private actionContext(
    tx: TenantTx,
    tenant: TenantInfo,
    info: ActionRunInfo,
    rule: RuleRow,
    enabled: ReadonlySet<string>,
    actionName: string,
  ): ActionContext {
    const base = systemContext(this.rt, tx, tenant, this.log(tenant), rule.ownerId);
    let owner: ReturnType<typeof requestContext> | null = null;
    const stateKey = (key: string) => `${actionName}:${key}`.slice(0, 300);
    const extra = {
      ...info,
      now: () => this.clock.now(),
      teamMembers: (teamId: string) =>
        /^[0-9a-f-]{36}$/i.test(teamId)
          ? tx.query<{ id: string; email: string; name: string }>(
              `select u.id, u.email, u.name from core_team_member m
               join core_user u on u.tenant_id = m.tenant_id and u.id = m.user_id and u.active
               where m.tenant_id = $1 and m.team_id = $2 order by u.id`,
              [tx.tenantId, teamId],
            )
          : Promise.resolve([]),
      state: {
        async get<T>(key: string): Promise<T | null> {
          const rows = await tx.query<{ value: T }>(
            'select value from core_automation_state where tenant_id = $1 and key = $2',
            [tx.tenantId, stateKey(key)],
          );
          return rows[0]?.value ?? null;
        },
        async update<T>(key: string, fn: (current: T | null) => T | Promise<T>): Promise<T> {
          const k = stateKey(key);
          await tx.query(
            `insert into core_automation_state (tenant_id, key, value) values ($1, $2, 'null'::jsonb)
             on conflict do nothing`,
            [tx.tenantId, k],
          );
          const rows = await tx.query<{ value: T | null }>(
            'select value from core_automation_state where tenant_id = $1 and key = $2 for update',
            [tx.tenantId, k],
          );
          const next = await fn(rows[0]?.value ?? null);
          await tx.query(
            'update core_automation_state set value = $3, updated_at = now() where tenant_id = $1 and key = $2',
            [tx.tenantId, k, JSON.stringify(next ?? null)],
          );
          return next;
        },
      },
      asOwner: async () => {
        if (owner) return owner;
        const rows = await tx.query<{ id: string; email: string; name: string; active: boolean; patterns: string[] }>(
          `select u.id, u.email, u.name, u.active, coalesce((select array_agg(distinct p) from core_user_role ur
              join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id, unnest(r.permissions) p
              where ur.tenant_id = u.tenant_id and ur.user_id = u.id), '{}') as patterns
           from core_user u where u.tenant_id = $1 and u.id = $2`,
          [tx.tenantId, rule.ownerId],
        );
        const u = rows[0];
        if (!u?.active) {
          throw new AppError('RULE_OWNER_INACTIVE', 'The rule’s owner is no longer an active user', { status: 403 });
        }
        owner = requestContext(base, {
          requestId: `automation-run-${info.run.id}`,
          user: { id: u.id, email: u.email, name: u.name },
          patterns: u.patterns,
          enabled,
          addons: this.rt.addons,
        });
        return owner;
      },
    };
    const ctx = Object.defineProperties(
      {},
      { ...Object.getOwnPropertyDescriptors(base), ...Object.getOwnPropertyDescriptors(extra) },
    ) as ActionContext;
    this.secrets.set(ctx, rule.signingSecret);
    return ctx;
  }

  // ---------------------------------------------------------------- retry, tick, retention

  /** A failed run starts again at the step that failed (steps before it are not repeated). */
  async retry(tx: TenantTx, runId: string): Promise<boolean> {
    const rows = await tx.query(
      `update core_automation_run set status = 'queued', attempt = 0, error = null, failed_step = null, finished_at = null
       where tenant_id = $1 and id = $2 and status = 'failed' returning id`,
      [tx.tenantId, runId],
    );
    return rows.length > 0;
  }

  /**
   * What the clock says is due: waiting runs whose time came, runs let onto a queue that lost
   * them (Redis was down), schedule and date triggers, and the retention purge. One process at a
   * time (advisory lock).
   */
  tick(): Promise<void> {
    this.ticking ??= this.tickOnce().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async tickOnce(): Promise<void> {
    const client = await this.rt.pools.owner.connect();
    try {
      const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [0x0a070a70]);
      if (!got.rows[0]?.ok) return;
      try {
        const now = this.clock.now().toISOString();
        const due = await client.query<{ tenant_id: string }>(
          `update core_automation_run set status = 'queued', resume_at = null
           where status = 'waiting' and resume_at <= $1 returning tenant_id`,
          [now],
        );
        const lost = await client.query<{ tenant_id: string }>(
          `update core_automation_run set status = 'queued'
           where status = 'ready' and dispatched_at < now() - interval '10 minutes' returning tenant_id`,
        );
        const tenants = new Set([...due.rows, ...lost.rows].map((r) => r.tenant_id));
        for (const t of await runSchedules(this, this.rt, client, this.clock.now())) tenants.add(t);
        for (const t of tenants) await this.pump(t);
        await client.query(
          `delete from core_automation_run r where r.finished_at is not null
             and r.finished_at < $1::timestamptz - make_interval(days => coalesce(
               (select s.retention_days from core_automation_setting s where s.tenant_id = r.tenant_id), 30))`,
          [now],
        );
      } finally {
        await client.query('select pg_advisory_unlock($1)', [0x0a070a70]);
      }
    } finally {
      client.release();
    }
  }
}

export { RECORD_EVENTS };
