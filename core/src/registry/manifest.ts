import { type AnyAddon, AppError, type ScheduleTiming } from '@elevate/sdk';
import { Ajv } from 'ajv';
import { CronExpressionParser } from 'cron-parser';
import semver from 'semver';

const ajv = new Ajv({ allErrors: true });

const manifestSchema = {
  type: 'object',
  required: ['id', 'version', 'title', 'description', 'category', 'platform'],
  properties: {
    id: { type: 'string', pattern: '^[a-z][a-z0-9_]{1,31}$' },
    version: { type: 'string', minLength: 5 },
    title: { type: 'string', minLength: 1, maxLength: 80 },
    description: { type: 'string', minLength: 1, maxLength: 2000 },
    category: { type: 'string', minLength: 1, maxLength: 40 },
    icon: { type: 'string', maxLength: 2000 },
    platform: { type: 'string', minLength: 1 },
  },
};
const validateManifest = ajv.compile(manifestSchema);

/** Ids the kernel uses itself (URL segments under /api/v1, migration owner, permission prefix). */
const RESERVED_IDS = new Set(['core', 'auth', 'api', 'graphql', 'admin', 'app', 'web', 'static', 'system']);

/** Checks one addon's manifest; throws ADDON_INVALID naming the addon and each problem. */
export function checkManifest(addon: AnyAddon, source = ''): void {
  const problems: string[] = [];
  if (!validateManifest(addon)) {
    for (const e of validateManifest.errors ?? []) {
      problems.push(`${e.instancePath.slice(1) || 'manifest'} ${e.message ?? 'is invalid'}`);
    }
  }
  if (RESERVED_IDS.has(addon.id)) problems.push(`id "${addon.id}" is reserved by the platform`);
  if (typeof addon.version === 'string' && !semver.valid(addon.version)) {
    problems.push(`version "${addon.version}" is not a semantic version`);
  }
  if (typeof addon.platform === 'string' && !semver.validRange(addon.platform)) {
    problems.push(`platform "${addon.platform}" is not a version range`);
  }
  for (const dep of addon.depends ?? []) {
    if (!semver.validRange(dep.range)) {
      problems.push(`dependency "${dep.addon.id}" range "${dep.range}" is not a version range`);
    }
  }
  const prefix = `${addon.id}.`;
  for (const key of Object.keys(addon.permissions ?? {})) {
    if (!key.startsWith(prefix)) problems.push(`permission "${key}" must start with "${prefix}"`);
  }
  for (const model of addon.models ?? []) {
    if (!model.name.startsWith(prefix)) problems.push(`model "${model.name}" must start with "${prefix}"`);
  }
  // A provider publishes the events of the contract it implements (payments.payment.succeeded
  // by the addon providing payments.provider): those may carry the contract's prefix.
  const contracts = (addon.provides ?? []).map((p) => `${String(p.token?.id).split('.')[0]}.`);
  for (const event of addon.events ?? []) {
    if (!event.name.startsWith(prefix) && !contracts.some((c) => event.name.startsWith(c))) {
      problems.push(`event "${event.name}" must start with "${prefix}"`);
    }
  }
  for (const job of addon.jobs ?? []) {
    if (!job.name.startsWith(prefix)) problems.push(`job "${job.name}" must start with "${prefix}"`);
  }
  const jobNames = new Set((addon.jobs ?? []).map((j) => j.name));
  for (const schedule of addon.schedules ?? []) {
    const where = `schedule "${schedule.name}"`;
    if (!schedule.name.startsWith(prefix)) problems.push(`${where} must start with "${prefix}"`);
    if (jobNames.has(schedule.name)) problems.push(`${where} has the name of a job`);
    jobNames.add(schedule.name);
    problems.push(...timingProblems(where, schedule.timing));
  }
  const provided = new Set<string>();
  for (const p of addon.provides ?? []) {
    if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_-]*)+$/.test(p.token?.id ?? '')) {
      problems.push(`provided service "${p.token?.id}" is not a service id (defineService)`);
    }
    if (provided.has(p.token.id)) problems.push(`service "${p.token.id}" is provided twice`);
    provided.add(p.token.id);
  }
  const searchTypes = new Set<string>();
  for (const sp of addon.search ?? []) {
    if (!sp.type?.startsWith(prefix)) problems.push(`search provider "${sp.type}" must start with "${prefix}"`);
    if (searchTypes.has(sp.type)) problems.push(`search provider "${sp.type}" is declared twice`);
    searchTypes.add(sp.type);
  }
  const exportNames = new Set<string>();
  for (const ex of addon.exports ?? []) {
    if (!ex.name?.startsWith(prefix)) problems.push(`export "${ex.name}" must start with "${prefix}"`);
    if (exportNames.has(ex.name)) problems.push(`export "${ex.name}" is declared twice`);
    exportNames.add(ex.name);
  }
  const subs = (addon.subscribers ?? []).map((s) => s.name);
  const dupSub = subs.find((n, i) => subs.indexOf(n) !== i);
  if (dupSub) problems.push(`subscriber name "${dupSub}" is used twice`);
  if (addon.settings) {
    try {
      ajv.compile(addon.settings.schema);
    } catch (err) {
      problems.push(`settings schema is invalid: ${(err as Error).message}`);
    }
  }
  if (problems.length) {
    const name = typeof addon.id === 'string' ? addon.id : '(no id)';
    throw new AppError(
      'ADDON_INVALID',
      `Addon "${name}"${source ? ` (${source})` : ''} has an invalid manifest: ${problems.join('; ')}`,
      { status: 500, expose: true, details: problems.map((message) => ({ message })) },
    );
  }
}

/** A schedule fires on a cron pattern BullMQ can parse, or at a positive whole interval. */
function timingProblems(where: string, timing: ScheduleTiming): string[] {
  if ('everyMs' in timing) {
    return Number.isInteger(timing.everyMs) && timing.everyMs > 0
      ? []
      : [`${where} everyMs must be a positive whole number of milliseconds`];
  }
  try {
    // BullMQ's own cron parser: what passes here is what the scheduler will accept.
    CronExpressionParser.parse(timing.cron, timing.tz ? { tz: timing.tz } : {});
    return [];
  } catch (err) {
    return [`${where} cron "${timing.cron}" is invalid: ${(err as Error).message}`];
  }
}
