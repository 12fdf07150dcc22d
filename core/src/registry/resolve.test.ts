import {
  defineAddon,
  defineEvent,
  defineJob,
  defineModel,
  defineSchedule,
  defineSearchProvider,
  dependsOn,
  extendModel,
  f,
} from '@elevate/sdk';
import { describe, expect, it } from 'vitest';
import { PLATFORM_VERSION } from '../platform.ts';
import { dependencyClosure, resolveAddons } from './resolve.ts';

const base = { title: 'T', description: 'D', category: 'Test', platform: '^1.0.0' };
const a = defineAddon({ ...base, id: 'alpha', version: '1.2.0' });
const b = defineAddon({ ...base, id: 'beta', version: '1.0.0', depends: [dependsOn(a, '^1.0.0')] });
const c = defineAddon({ ...base, id: 'gamma', version: '1.0.0', depends: [b] });

describe('resolveAddons', () => {
  it('orders dependencies before dependents whatever the input order', () => {
    const ids = resolveAddons([c, b, a], PLATFORM_VERSION).map((x) => x.id);
    expect(ids).toEqual(['alpha', 'beta', 'gamma']);
  });

  it('names the addon and the missing dependency', () => {
    expect(() => resolveAddons([c, b], PLATFORM_VERSION)).toThrow(
      'Addon "beta" depends on "alpha", which is not installed',
    );
  });

  it('names both addons and the range when a version range is not met', () => {
    const needsNew = defineAddon({ ...base, id: 'delta', version: '1.0.0', depends: [dependsOn(a, '^2.0.0')] });
    expect(() => resolveAddons([a, needsNew], PLATFORM_VERSION)).toThrow(
      'Addon "delta" needs "alpha" ^2.0.0, but version 1.2.0 is installed',
    );
  });

  it('lets an addon extend only a model of an addon it depends on', () => {
    const Note = defineModel({ name: 'owner.note', fields: { text: f.string() } });
    const owner = defineAddon({ ...base, id: 'owner', version: '1.0.0', models: [Note] });
    const ok = defineAddon({
      ...base,
      id: 'extender',
      version: '1.0.0',
      depends: [owner],
      extends: [extendModel(Note, { fields: { mood: f.string() } })],
    });
    expect(resolveAddons([ok, owner], PLATFORM_VERSION).map((x) => x.id)).toEqual(['owner', 'extender']);
    const stray = defineAddon({
      ...base,
      id: 'stray',
      version: '1.0.0',
      extends: [extendModel(Note, { fields: { mood: f.string() } })],
    });
    expect(() => resolveAddons([owner, stray], PLATFORM_VERSION)).toThrow(
      'Addon "stray" extends owner.note, but does not depend on the addon that declares it ("owner")',
    );
    expect(() => extendModel(Note, { fields: { text: f.string() } })).toThrow('"text" is already a field');
    expect(() => extendModel(Note, { fields: { n: f.integer({ required: true }) } })).toThrow('needs a default');
  });

  it('names the addons on a cycle', () => {
    const x = defineAddon({ ...base, id: 'xray', version: '1.0.0' });
    const y = defineAddon({ ...base, id: 'yankee', version: '1.0.0', depends: [x] });
    // Close the loop after definition (a cycle cannot be written with imported values alone).
    (x as { depends: unknown }).depends = [{ addon: y, range: '*' }];
    expect(() => resolveAddons([x, y], PLATFORM_VERSION)).toThrow('Addon dependency cycle: xray → yankee → xray');
  });

  it('refuses an addon built for another platform version, at boot', () => {
    const future = defineAddon({ ...base, id: 'future', version: '1.0.0', platform: '^2.0.0' });
    expect(() => resolveAddons([future], PLATFORM_VERSION)).toThrow(
      'Addon "future" was written for platform ^2.0.0, but this platform is 1.0.0: install a version of "future" made for platform 1.0.0',
    );
  });

  it('validates manifests and lists every problem', () => {
    const bad = defineAddon({ ...base, id: 'Bad Id', version: 'one', title: '', platform: 'whatever' });
    expect(() => resolveAddons([bad], PLATFORM_VERSION)).toThrow(
      /invalid manifest: .*id must match.*title must NOT have fewer than 1 characters.*not a semantic version.*not a version range/,
    );
  });

  it('refuses search providers outside the addon namespace or declared twice', () => {
    const provider = (type: string) =>
      defineSearchProvider({ type, label: 'Things', permission: 'finder.thing.read', search: async () => [] });
    const finder = defineAddon({
      ...base,
      id: 'finder',
      version: '1.0.0',
      search: [provider('finder.thing'), provider('finder.thing'), provider('crm.contact')],
    });
    expect(() => resolveAddons([finder], PLATFORM_VERSION)).toThrow(
      'search provider "finder.thing" is declared twice; search provider "crm.contact" must start with "finder."',
    );
    expect(() => provider('Things')).toThrow('must look like "addon.noun"');
  });

  it('refuses permissions outside the addon namespace', () => {
    const sneaky = defineAddon({
      ...base,
      id: 'sneaky',
      version: '1.0.0',
      permissions: { 'core.addons.manage': { title: 'x' } },
    });
    expect(() => resolveAddons([sneaky], PLATFORM_VERSION)).toThrow(
      'permission "core.addons.manage" must start with "sneaky."',
    );
  });

  it('refuses ids the platform uses and names outside the addon namespace', () => {
    const core = defineAddon({ ...base, id: 'core', version: '1.0.0' });
    expect(() => resolveAddons([core], PLATFORM_VERSION)).toThrow('id "core" is reserved by the platform');
    const stray = defineAddon({
      ...base,
      id: 'stray',
      version: '1.0.0',
      events: [defineEvent('crm.contact.created')],
      jobs: [defineJob({ name: 'crm.import', run: () => {} })],
    });
    expect(() => resolveAddons([stray], PLATFORM_VERSION)).toThrow(
      /event "crm.contact.created" must start with "stray."; job "crm.import" must start with "stray."/,
    );
  });

  it('refuses schedules outside the namespace, named like a job, or with a timing BullMQ cannot run', () => {
    const run = () => {};
    const clocks = defineAddon({
      ...base,
      id: 'clocks',
      version: '1.0.0',
      jobs: [defineJob({ name: 'clocks.sweep', run })],
      schedules: [
        defineSchedule({ name: 'crm.nightly', cron: '0 2 * * *', run }),
        defineSchedule({ name: 'clocks.sweep', everyMs: 1000, run }),
        defineSchedule({ name: 'clocks.never', cron: 'every tuesday', run }),
        defineSchedule({ name: 'clocks.zero', everyMs: 0, run }),
      ],
    });
    expect(() => resolveAddons([clocks], PLATFORM_VERSION)).toThrow(
      /schedule "crm.nightly" must start with "clocks."; schedule "clocks.sweep" has the name of a job; schedule "clocks.never" cron "every tuesday" is invalid: .+; schedule "clocks.zero" everyMs must be a positive whole number of milliseconds/,
    );
    const ok = defineAddon({
      ...base,
      id: 'clocks',
      version: '1.0.0',
      schedules: [defineSchedule({ name: 'clocks.nightly', cron: '0 2 * * *', tz: 'Europe/Berlin', run })],
    });
    expect(resolveAddons([ok], PLATFORM_VERSION).map((x) => x.id)).toEqual(['clocks']);
  });

  it('refuses two addons with one id', () => {
    const twin = defineAddon({ ...base, id: 'alpha', version: '9.0.0' });
    expect(() => resolveAddons([a, twin], PLATFORM_VERSION)).toThrow('Two addons declare the id "alpha"');
  });
});

describe('dependencyClosure', () => {
  it('lists an addon after everything it needs', () => {
    const byId = new Map([a, b, c].map((x) => [x.id, x]));
    expect(dependencyClosure(c, byId).map((x) => x.id)).toEqual(['alpha', 'beta', 'gamma']);
  });
});
