import { type AnyAddon, AppError } from '@elevate/sdk';
import { Ajv } from 'ajv';
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
  for (const event of addon.events ?? []) {
    if (!event.name.startsWith(prefix)) problems.push(`event "${event.name}" must start with "${prefix}"`);
  }
  for (const job of addon.jobs ?? []) {
    if (!job.name.startsWith(prefix)) problems.push(`job "${job.name}" must start with "${prefix}"`);
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
