import { defineAddon, type GraphQLBuilder } from '@elevate/sdk';
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
