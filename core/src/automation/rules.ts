import { randomBytes, randomUUID } from 'node:crypto';
import {
  type ActionStep,
  type ConditionExpr,
  checkCondition,
  conditionSchema,
  type JsonSchema,
  NotFoundError,
  type TriggerSpec,
  ValidationError,
} from '@elevate/sdk';
import { CronExpressionParser } from 'cron-parser';
import type { TenantTx } from '../db/tenant-tx.ts';
import { compileQuery } from '../http/validate.ts';
import type { Runtime } from '../runtime.ts';
import type { AutomationEngine } from './engine.ts';
import { RULE_COLUMNS, RUN_COLUMNS, type RuleRow, type RunRow } from './rows.ts';
import { automationAjv, compileStoredParams, details, inboundAjv } from './validate.ts';

export const AUTOMATION_MANAGE = 'core.automation.manage';

type Detail = { path: string; message: string };
const checkConditionShape = automationAjv.compile(conditionSchema);
const storedValidators = new Map<string, ReturnType<typeof compileStoredParams>>();
const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Filters of the run history (REST query, GraphQL arguments): `from` inclusive, `to` exclusive (created at). */
export interface RunFilter {
  rule?: string;
  status?: string;
  from?: string;
  to?: string;
  limit: number;
  offset: number;
}

const runFilter = compileQuery({
  type: 'object',
  additionalProperties: false,
  properties: {
    rule: { type: 'string', format: 'uuid' },
    status: { enum: ['queued', 'ready', 'running', 'waiting', 'succeeded', 'failed', 'stopped'] },
    from: { type: 'string', format: 'date-time' },
    to: { type: 'string', format: 'date-time' },
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    offset: { type: 'integer', minimum: 0, maximum: 1_000_000, default: 0 },
  },
});

/** Checks run-history filters (REST query or GraphQL arguments); bad ones are a 400 naming the field. */
export function checkRunFilter(q: Record<string, unknown>): RunFilter {
  const given = Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== null));
  return runFilter(given) as unknown as RunFilter;
}

/** One step of a run as the history shows it. */
export interface StepRow {
  stepId: string;
  seq: number;
  action: string;
  status: string;
  input: unknown;
  output: unknown;
  error: string | null;
  attempts: number;
  durationMs: number | null;
  startedAt: string;
  finishedAt: string | null;
}

/** A rule as the API shows it: `status` says whether it runs, and why not. */
export interface RuleView extends Omit<RuleRow, 'signingSecret' | 'cursorAt'> {
  status: 'active' | 'disabled' | 'paused';
  pausedReason: string | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Validates a rule body against what this tenant has enabled; every problem names its field. */
export function checkRule(engine: AutomationEngine, enabled: ReadonlySet<string>, b: unknown, create: boolean) {
  if (!isObject(b)) throw new ValidationError('Invalid request body', [{ path: '', message: 'must be an object' }]);
  const d: Detail[] = [];
  const allowed = new Set(['name', 'description', 'enabled', 'trigger', 'conditions', 'actions']);
  for (const k of Object.keys(b)) if (!allowed.has(k)) d.push({ path: k, message: 'is not allowed' });
  const out: Partial<{
    name: string;
    description: string;
    enabled: boolean;
    trigger: TriggerSpec;
    conditions: ConditionExpr | null;
    actions: ActionStep[];
  }> = {};
  if (b.name !== undefined || create) {
    if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 200) {
      d.push({ path: 'name', message: 'must be 1 to 200 characters' });
    } else out.name = b.name.trim();
  }
  if (b.description !== undefined) {
    if (typeof b.description !== 'string' || b.description.length > 2000) {
      d.push({ path: 'description', message: 'must be at most 2000 characters' });
    } else out.description = b.description;
  }
  if (b.enabled !== undefined) {
    if (typeof b.enabled !== 'boolean') d.push({ path: 'enabled', message: 'must be true or false' });
    else out.enabled = b.enabled;
  }
  if (b.trigger !== undefined || create) {
    const t = checkTrigger(engine, enabled, b.trigger, d);
    if (t) out.trigger = t;
  }
  if (b.conditions !== undefined && b.conditions !== null) {
    if (!checkConditionShape(b.conditions)) {
      d.push({
        path: 'conditions',
        message: 'must be a condition ({ field, op, value }) or a group ({ all | any | not })',
      });
    } else {
      const more = checkCondition(b.conditions as ConditionExpr);
      if (more.length) d.push(...more);
      else out.conditions = b.conditions as ConditionExpr;
    }
  } else if (b.conditions === null) out.conditions = null;
  if (b.actions !== undefined || create) {
    if (!Array.isArray(b.actions) || b.actions.length === 0 || b.actions.length > 50) {
      d.push({ path: 'actions', message: 'must be a list of 1 to 50 steps' });
    } else {
      const ids = new Set<string>();
      checkSteps(engine, enabled, b.actions, 'actions', ids, d, 0);
      if (ids.size > 100) d.push({ path: 'actions', message: 'must hold at most 100 steps in all' });
      out.actions = b.actions as ActionStep[];
    }
  }
  if (d.length) throw new ValidationError('Invalid automation rule', d);
  return out;
}

function checkTrigger(
  engine: AutomationEngine,
  enabled: ReadonlySet<string>,
  t: unknown,
  d: Detail[],
): TriggerSpec | null {
  const bad = (path: string, message: string) => {
    d.push({ path: `trigger${path ? `.${path}` : ''}`, message });
    return null;
  };
  if (!isObject(t)) return bad('', 'must be an object with a type');
  const keys = (...k: string[]) => {
    for (const key of Object.keys(t)) if (!['type', ...k].includes(key)) bad(key, 'is not allowed');
  };
  const model = (name: unknown) => {
    const m = typeof name === 'string' ? engine.catalog.models.get(name) : undefined;
    if (!m || !enabled.has(m.addon)) return bad('model', 'must be a model of an addon enabled for this company');
    return m;
  };
  switch (t.type) {
    case 'event': {
      keys('event');
      const e = typeof t.event === 'string' ? engine.catalog.triggers.get(t.event) : undefined;
      if (!e || (e.addon && !enabled.has(e.addon)))
        return bad('event', 'must be a trigger of an addon enabled for this company');
      return { type: 'event', event: t.event as string };
    }
    case 'record': {
      keys('model', 'on', 'fields');
      const m = model(t.model);
      if (!['created', 'updated', 'deleted'].includes(t.on as string))
        bad('on', 'must be one of created, updated, deleted');
      if (t.fields !== undefined) {
        if (!Array.isArray(t.fields) || t.fields.length > 50) bad('fields', 'must be a list of field names');
        else if (m) {
          t.fields.forEach((f, i) => {
            if (typeof f !== 'string' || !(f in m.model.fields || (f === 'ownerId' && m.model.owned))) {
              bad(`fields.${i}`, `is not a field of ${m.model.name}`);
            }
          });
        }
      }
      if (!m) return null;
      return {
        type: 'record',
        model: m.model.name,
        on: t.on as 'created',
        ...(Array.isArray(t.fields) ? { fields: t.fields as string[] } : {}),
      };
    }
    case 'schedule': {
      keys('cron', 'tz');
      if (typeof t.cron !== 'string' || t.cron.trim().split(/\s+/).length !== 5) {
        return bad('cron', 'must be a cron pattern of five fields (minute hour day month weekday)');
      }
      try {
        CronExpressionParser.parse(t.cron, typeof t.tz === 'string' ? { tz: t.tz } : {});
      } catch {
        return bad(t.tz !== undefined ? 'tz' : 'cron', 'is not a valid cron pattern or time zone');
      }
      if (t.tz !== undefined && typeof t.tz !== 'string') return bad('tz', 'must be a time zone name');
      return { type: 'schedule', cron: t.cron, ...(typeof t.tz === 'string' ? { tz: t.tz } : {}) };
    }
    case 'date': {
      keys('model', 'field', 'offsetDays');
      const m = model(t.model);
      const f =
        m && typeof t.field === 'string'
          ? ['createdAt', 'updatedAt'].includes(t.field)
            ? { kind: 'datetime' }
            : (m.model.fields[t.field] as { kind: string } | undefined)
          : undefined;
      if (m && (!f || (f.kind !== 'date' && f.kind !== 'datetime')))
        bad('field', `must be a date field of ${m.model.name}`);
      if (!Number.isInteger(t.offsetDays) || Math.abs(t.offsetDays as number) > 365) {
        bad('offsetDays', 'must be a whole number of days from -365 to 365');
      }
      if (!m || !f) return null;
      return { type: 'date', model: m.model.name, field: t.field as string, offsetDays: t.offsetDays as number };
    }
    case 'inbound': {
      keys('body');
      if (t.body === undefined) return { type: 'inbound' };
      if (!isObject(t.body) || t.body.type !== 'object') {
        return bad('body', 'must be a JSON schema of an object ({ "type": "object", ... })');
      }
      try {
        inboundAjv.compile(t.body);
      } catch (err) {
        return bad('body', `is not a valid JSON schema: ${String((err as Error).message).slice(0, 200)}`);
      }
      if (JSON.stringify(t.body).length > 20_000) return bad('body', 'must be at most 20000 characters of JSON');
      return { type: 'inbound', body: t.body as JsonSchema };
    }
    default:
      return bad('type', 'must be one of event, record, schedule, date, inbound');
  }
}

function checkSteps(
  engine: AutomationEngine,
  enabled: ReadonlySet<string>,
  steps: unknown[],
  path: string,
  ids: Set<string>,
  d: Detail[],
  depth: number,
): void {
  if (depth > 4) {
    d.push({ path, message: 'branches are nested more than 4 deep' });
    return;
  }
  steps.forEach((s, i) => {
    const at = `${path}.${i}`;
    if (!isObject(s)) {
      d.push({ path: at, message: 'must be an object' });
      return;
    }
    if (typeof s.id !== 'string' || !ID.test(s.id))
      d.push({ path: `${at}.id`, message: 'must be 1 to 40 letters, digits, - or _' });
    else if (ids.has(s.id)) d.push({ path: `${at}.id`, message: `"${s.id}" is used twice in this rule` });
    else ids.add(s.id);
    if ('branch' in s) {
      for (const k of Object.keys(s))
        if (!['id', 'branch'].includes(k)) d.push({ path: `${at}.${k}`, message: 'is not allowed' });
      const br = s.branch;
      if (!isObject(br)) {
        d.push({ path: `${at}.branch`, message: 'must be { if, yes, no? }' });
        return;
      }
      if (!checkConditionShape(br.if)) d.push({ path: `${at}.branch.if`, message: 'must be a condition or a group' });
      else d.push(...checkCondition(br.if as ConditionExpr, `${at}.branch.if`));
      for (const side of ['yes', 'no'] as const) {
        const list = br[side];
        if (list === undefined && side === 'no') continue;
        if (!Array.isArray(list) || list.length > 50)
          d.push({ path: `${at}.branch.${side}`, message: 'must be a list of steps' });
        else checkSteps(engine, enabled, list, `${at}.branch.${side}`, ids, d, depth + 1);
      }
      return;
    }
    for (const k of Object.keys(s))
      if (!['id', 'action', 'params'].includes(k)) d.push({ path: `${at}.${k}`, message: 'is not allowed' });
    const a = typeof s.action === 'string' ? engine.catalog.actions.get(s.action) : undefined;
    if (!a || (a.addon && !enabled.has(a.addon))) {
      d.push({
        path: `${at}.action`,
        message: 'must be an action of the core or of an addon enabled for this company',
      });
      return;
    }
    const params = s.params ?? {};
    if (!isObject(params)) {
      d.push({ path: `${at}.params`, message: 'must be an object' });
      return;
    }
    let v = storedValidators.get(a.def.name);
    if (!v) {
      v = compileStoredParams(a.def.params);
      storedValidators.set(a.def.name, v);
    }
    d.push(...v(params, `${at}.params`));
  });
}

function view(engine: AutomationEngine, enabled: ReadonlySet<string>, r: RuleRow): RuleView {
  const { signingSecret: _s, cursorAt: _c, ...rest } = r;
  const pausedReason = engine.catalog.pausedReason(r.trigger, r.actions, enabled);
  return { ...rest, status: !r.enabled ? 'disabled' : pausedReason ? 'paused' : 'active', pausedReason };
}

/** The tables whose changes become `core.record.*` events for this tenant: those of its enabled record rules. */
async function syncWatch(engine: AutomationEngine, tx: TenantTx): Promise<void> {
  const rows = await tx.query<{ model: string }>(
    `select distinct trigger->>'model' as model from core_automation_rule
     where tenant_id = $1 and enabled and trigger->>'type' = 'record'`,
    [tx.tenantId],
  );
  const tables = rows.map((r) => engine.catalog.models.get(r.model)?.model.table).filter((t): t is string => !!t);
  await tx.query('delete from core_automation_watch where tenant_id = $1 and not (table_name = any($2))', [
    tx.tenantId,
    tables,
  ]);
  await tx.query(
    `insert into core_automation_watch (tenant_id, table_name) select $1, t from unnest($2::text[]) t
     on conflict do nothing`,
    [tx.tenantId, tables],
  );
}

async function getRule(tx: TenantTx, id: string): Promise<RuleRow> {
  if (!UUID.test(id)) throw new NotFoundError('Automation rule');
  const rows = await tx.query<RuleRow>(
    `select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 and id = $2`,
    [tx.tenantId, id],
  );
  if (!rows[0]) throw new NotFoundError('Automation rule');
  return rows[0];
}

/** Rules and runs of the request's tenant (REST and GraphQL call these). */
export function ruleStore(rt: Runtime, engine: AutomationEngine) {
  return {
    async list(tx: TenantTx, enabled: ReadonlySet<string>): Promise<RuleView[]> {
      const rows = await tx.query<RuleRow>(
        `select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 order by created_at, id`,
        [tx.tenantId],
      );
      return rows.map((r) => view(engine, enabled, r));
    },
    async get(tx: TenantTx, enabled: ReadonlySet<string>, id: string): Promise<RuleView> {
      return view(engine, enabled, await getRule(tx, id));
    },
    /** The answer holds the signing secret of the rule's webhook calls: shown this once. */
    async create(
      tx: TenantTx,
      enabled: ReadonlySet<string>,
      ownerId: string,
      body: unknown,
    ): Promise<RuleView & { signingSecret: string }> {
      const b = checkRule(engine, enabled, body, true);
      const id = randomUUID();
      const rows = await tx.query<RuleRow>(
        `insert into core_automation_rule (tenant_id, id, name, description, enabled, trigger, conditions, actions, owner_id, signing_secret)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning ${RULE_COLUMNS}`,
        [
          tx.tenantId,
          id,
          b.name,
          b.description ?? '',
          b.enabled ?? true,
          JSON.stringify(b.trigger),
          b.conditions ? JSON.stringify(b.conditions) : null,
          JSON.stringify(b.actions),
          ownerId,
          `whsec_${randomBytes(24).toString('base64')}`,
        ],
      );
      // Schedules fire from now on (the engine's clock), not from the past.
      await tx.query('insert into core_automation_cursor (tenant_id, rule_id, cursor_at) values ($1, $2, $3)', [
        tx.tenantId,
        id,
        engine.clock.now().toISOString(),
      ]);
      await syncWatch(engine, tx);
      const row = rows[0] as RuleRow;
      return { ...view(engine, enabled, row), signingSecret: row.signingSecret };
    },
    async update(tx: TenantTx, enabled: ReadonlySet<string>, id: string, body: unknown): Promise<RuleView> {
      await getRule(tx, id);
      const b = checkRule(engine, enabled, body, false);
      const rows = await tx.query<RuleRow>(
        `update core_automation_rule set name = coalesce($3, name), description = coalesce($4, description),
           enabled = coalesce($5, enabled), trigger = coalesce($6, trigger),
           conditions = case when $7 then $8::jsonb else conditions end, actions = coalesce($9, actions), updated_at = now()
         where tenant_id = $1 and id = $2 returning ${RULE_COLUMNS}`,
        [
          tx.tenantId,
          id,
          b.name ?? null,
          b.description ?? null,
          b.enabled ?? null,
          b.trigger ? JSON.stringify(b.trigger) : null,
          b.conditions !== undefined,
          b.conditions ? JSON.stringify(b.conditions) : null,
          b.actions ? JSON.stringify(b.actions) : null,
        ],
      );
      await syncWatch(engine, tx);
      return view(engine, enabled, rows[0] as RuleRow);
    },
    async remove(tx: TenantTx, id: string): Promise<void> {
      await getRule(tx, id);
      await tx.query('delete from core_automation_rule where tenant_id = $1 and id = $2', [tx.tenantId, id]);
      await syncWatch(engine, tx);
    },
    async runs(
      tx: TenantTx,
      q: RunFilter,
    ): Promise<{ data: (RunRow & { ruleName: string })[]; total_count: number; limit: number; offset: number }> {
      const where = ['r.tenant_id = $1'];
      const params: unknown[] = [tx.tenantId];
      if (q.rule) {
        params.push(q.rule);
        where.push(`r.rule_id = $${params.length}`);
      }
      if (q.status) {
        params.push(q.status);
        where.push(`r.status = $${params.length}`);
      }
      if (q.from) {
        params.push(q.from);
        where.push(`r.created_at >= $${params.length}::timestamptz`);
      }
      if (q.to) {
        params.push(q.to);
        where.push(`r.created_at < $${params.length}::timestamptz`);
      }
      const cols = RUN_COLUMNS.replace(/(^|,\s*)(\w+)/g, (_m, sep, c) => `${sep}r.${c}`);
      const data = await tx.query<RunRow & { ruleName: string }>(
        `select ${cols}, u.name as "ruleName" from core_automation_run r
         join core_automation_rule u on u.tenant_id = r.tenant_id and u.id = r.rule_id
         where ${where.join(' and ')} order by r.created_at desc, r.id desc limit ${q.limit} offset ${q.offset}`,
        params,
      );
      const total = await tx.query<{ n: number }>(
        `select count(*)::int as n from core_automation_run r where ${where.join(' and ')}`,
        params,
      );
      return { data, total_count: total[0]?.n ?? 0, limit: q.limit, offset: q.offset };
    },
    async run(tx: TenantTx, id: string) {
      if (!UUID.test(id)) throw new NotFoundError('Automation run');
      const rows = await tx.query<RunRow>(
        `select ${RUN_COLUMNS} from core_automation_run where tenant_id = $1 and id = $2`,
        [tx.tenantId, id],
      );
      if (!rows[0]) throw new NotFoundError('Automation run');
      const steps = (await this.steps(tx, [id])).get(id) ?? [];
      return { ...rows[0], steps };
    },
    /** The steps of these runs (in order), by run id: one query for a page of runs. */
    async steps(tx: TenantTx, runIds: readonly string[]): Promise<Map<string, StepRow[]>> {
      const rows = await tx.query<StepRow & { runId: string }>(
        `select run_id as "runId", step_key as "stepId", seq, action, status, input, output, error, attempts,
           duration_ms as "durationMs", started_at as "startedAt", finished_at as "finishedAt"
         from core_automation_step where tenant_id = $1 and run_id = any($2::uuid[]) order by run_id, seq`,
        [tx.tenantId, runIds.filter((r) => UUID.test(r))],
      );
      const out = new Map<string, StepRow[]>(runIds.map((r) => [r, []]));
      for (const { runId, ...step } of rows) out.get(runId)?.push(step);
      return out;
    },
    async retry(tx: TenantTx, id: string) {
      if (!UUID.test(id)) throw new NotFoundError('Automation run');
      const exists = await tx.query<{ status: string }>(
        'select status from core_automation_run where tenant_id = $1 and id = $2',
        [tx.tenantId, id],
      );
      if (!exists[0]) throw new NotFoundError('Automation run');
      if (!(await engine.retry(tx, id))) {
        throw new ValidationError('Only a failed run can be retried', [
          { path: 'id', message: `the run is ${exists[0].status}, not failed` },
        ]);
      }
      const tenantId = tx.tenantId;
      tx.onCommit(() => {
        engine.pump(tenantId).catch((err) => rt.log.warn({ err: String(err) }, 'automation pump failed'));
      });
      return { id, status: 'queued' };
    },
    /** The company's active users and its teams: the builder's pickers for assignment and notify actions. */
    async directory(tx: TenantTx): Promise<{
      users: { id: string; name: string; email: string }[];
      teams: { id: string; name: string; members: number }[];
    }> {
      const users = await tx.query<{ id: string; name: string; email: string }>(
        'select id, name, email from core_user where tenant_id = $1 and active order by lower(name), email',
        [tx.tenantId],
      );
      const teams = await tx.query<{ id: string; name: string; members: number }>(
        `select t.id, t.name, (select count(*)::int from core_team_member m where m.tenant_id = t.tenant_id and m.team_id = t.id) as members
         from core_team t where t.tenant_id = $1 order by lower(t.name)`,
        [tx.tenantId],
      );
      return { users, teams };
    },
    async settings(tx: TenantTx): Promise<{ retentionDays: number }> {
      const rows = await tx.query<{ d: number }>(
        'select retention_days as d from core_automation_setting where tenant_id = $1',
        [tx.tenantId],
      );
      return { retentionDays: rows[0]?.d ?? 30 };
    },
    async putSettings(tx: TenantTx, body: unknown): Promise<{ retentionDays: number }> {
      const b = isObject(body) ? body : {};
      const extra = Object.keys(b).filter((k) => k !== 'retentionDays');
      const d = Number(b.retentionDays);
      if (!Number.isInteger(b.retentionDays) || d < 1 || d > 3650 || extra.length) {
        throw new ValidationError('Invalid settings', [
          ...(Number.isInteger(b.retentionDays) && d >= 1 && d <= 3650
            ? []
            : [{ path: 'retentionDays', message: 'must be a whole number of days from 1 to 3650' }]),
          ...extra.map((k) => ({ path: k, message: 'is not allowed' })),
        ]);
      }
      await tx.query(
        `insert into core_automation_setting (tenant_id, retention_days) values ($1, $2)
         on conflict (tenant_id) do update set retention_days = excluded.retention_days, updated_at = now()`,
        [tx.tenantId, d],
      );
      return { retentionDays: d };
    },
  };
}

export { details };
