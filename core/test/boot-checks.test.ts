import {
  type AnyModel,
  createModelTableSql,
  defineAddon,
  defineModel,
  definePermissions,
  f,
  type GraphQLBuilder,
  Migration,
} from '@elevate/sdk';
import { bootTestKernel } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import { describe, expect, it } from 'vitest';

// Mistakes an addon author makes, refused when the kernel boots with a message naming them.

const rival = defineAddon({
  id: 'rival',
  version: '1.0.0',
  title: 'Rival',
  description: 'Declares a GraphQL type another addon already has.',
  category: 'testing',
  platform: '^1.0.0',
  graphql: (b: GraphQLBuilder) => {
    const Project = b.objectRef<{ id: string }>('Project').implement({ fields: (t) => ({ id: t.exposeID('id') }) });
    b.queryFields((t) => ({ rivalProject: t.field({ type: Project, nullable: true, resolve: () => null }) }));
  },
});

describe('boot-time checks', () => {
  it('two addons declaring the same GraphQL type: refused, naming the type and both addons', async () => {
    await expect(bootTestKernel({ addons: [projects, rival], workers: false })).rejects.toThrow(
      'GraphQL type "Project" is declared by both projects and rival',
    );
  });

  it('an addon extending the type of an addon it depends on is no clash', async () => {
    const env = await bootTestKernel({ addons: [projects, tasks], workers: false });
    await env.close();
  });
});

describe('models without their migration', () => {
  // An addon whose one migration creates its model as it was first written (v1).
  const NoteV1 = defineModel({ name: 'bootnote.note', fields: { text: f.string() } });
  class Init extends Migration {
    override name = 'BootnoteInit0001';
    override up(): void {
      for (const sql of createModelTableSql(NoteV1)) this.addSql(sql);
    }
  }
  const notes = (models: AnyModel[]) =>
    defineAddon({
      id: 'bootnote',
      version: '1.0.0',
      title: 'Notes',
      description: 'A model changed after its migration.',
      category: 'testing',
      platform: '^1.0.0',
      models,
      migrations: [Init],
    });

  it('a field added to a model without generating its migration refuses the start, naming the column and the command', async () => {
    const NoteV2 = defineModel({
      name: 'bootnote.note',
      fields: { text: f.string(), nickname: f.string({ max: 40 }) },
    });
    await expect(bootTestKernel({ addons: [notes([NoteV2])], workers: false })).rejects.toThrow(
      'Model bootnote.note has no column "nickname" in the database: its migration was never generated. Run `elevate addon migration bootnote --name "<what changed>"`, then start again',
    );
  });

  it('a new model without a migration: refused, naming its table', async () => {
    const Mood = defineModel({ name: 'bootnote.mood', fields: { label: f.string() } });
    await expect(bootTestKernel({ addons: [notes([NoteV1, Mood])], workers: false })).rejects.toThrow(
      'Model bootnote.mood has no table "bootnote_mood" in the database',
    );
  });

  it('the model as migrated boots', async () => {
    const env = await bootTestKernel({ addons: [notes([NoteV1])], workers: false });
    await env.close();
  });
});

describe('enabling an addon', () => {
  const demoRuns: string[] = [];
  const sampler = defineAddon({
    id: 'sampler',
    version: '1.0.0',
    title: 'Sampler',
    description: 'Has sample data for the demo company.',
    category: 'testing',
    platform: '^1.0.0',
    lifecycle: {
      demo: async (ctx) => {
        demoRuns.push(ctx.tenant.slug);
      },
    },
  });

  it('on the demo company later (not through start --demo) runs its sample data once', async () => {
    const env = await bootTestKernel({ addons: [projects, sampler], workers: false });
    try {
      const demo = await env.tenant('demo', { enable: ['projects'] });
      expect(demoRuns).toEqual([]);
      await env.admin.enableAddon(demo.id, 'sampler'); // as the marketplace would, later
      expect(demoRuns).toEqual(['demo']);
      await env.admin.disableAddon(demo.id, 'sampler');
      await env.admin.enableAddon(demo.id, 'sampler'); // not the first time: no second copy
      const other = await env.tenant('other');
      await env.admin.enableAddon(other.id, 'sampler'); // not the demo company
      expect(demoRuns).toEqual(['demo']);
    } finally {
      await env.close();
    }
  });

  it('whose migrations never ran: refused with 409, naming them and the command', async () => {
    const env = await bootTestKernel({ addons: [projects], workers: false });
    try {
      const t = await env.tenant('unmigrated');
      // As if the package had been installed after the last `elevate migrate`.
      await env.sql('delete from mikro_orm_migrations_projects');
      const res = await t.client.post('/api/v1/core/addons/projects/enable', {});
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ code: 'ADDON_NOT_MIGRATED' });
      expect(res.body.message).toMatch(
        /^Addon "projects" is installed but its migrations have not run \(.+\): run `elevate migrate` first$/,
      );
    } finally {
      await env.close();
    }
  });
});

describe('permissions routes name', () => {
  it('a route naming a permission no addon declares refuses the boot, naming the route and what is declared', async () => {
    const typo = defineAddon({
      id: 'typo',
      version: '1.0.0',
      title: 'Typo',
      description: 'A route whose permission is misspelt.',
      category: 'testing',
      platform: '^1.0.0',
      permissions: definePermissions({ 'typo.note.read': { title: 'Read notes', grant: ['member'] } }),
      rest: (r) => {
        // @ts-expect-error the misspelling fails to compile (the router is typed from `permissions`); the boot refuses it too
        r.get('/notes', { permission: 'typo.notes.read' }, () => []);
      },
    });
    await expect(bootTestKernel({ addons: [typo], workers: false })).rejects.toThrow(
      'Addon "typo": route GET /notes needs the permission "typo.notes.read", which no installed addon declares (typo declares typo.note.read)',
    );
  });
});
