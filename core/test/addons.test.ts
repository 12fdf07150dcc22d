import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let env: TestEnv;
let seq = 0;
/** Each test makes the tenants it needs, so tests pass in any order. */
const tenant = (name: string, enable: string[] = []) => env.tenant(`${name}${++seq}`, { enable });
const full = () => tenant('full', ['projects', 'tasks']); // projects + tasks
const bare = () => tenant('bare'); // nothing enabled

beforeAll(async () => {
  env = await bootTestKernel({ addons: [projects, tasks], workers: false });
});
afterAll(() => env?.close());

const typeNames = async (t: TestTenant) => {
  const res = await t.client.graphql('{ __schema { types { name } } }');
  return (res.body.data.__schema.types as { name: string }[]).map((x) => x.name);
};

describe('enabling and disabling per tenant', () => {
  it('enabling an addon enables its dependencies first, over REST', async () => {
    const t = await bare();
    const res = await t.client.post('/api/v1/core/addons/tasks/enable');
    expect(res.status).toBe(200);
    expect(res.body.enabled).toEqual(['projects', 'tasks']);
    const list = await t.client.get('/api/v1/core/addons');
    const byId = Object.fromEntries(list.body.data.map((a: { id: string }) => [a.id, a]));
    expect(byId.projects).toMatchObject({ enabled: true, tenantVersion: '1.0.0', requiredBy: ['tasks'] });
    expect(byId.tasks).toMatchObject({ enabled: true, depends: [{ id: 'projects', range: '^1.0.0' }] });
  });

  it('refuses to disable an addon another enabled addon needs, naming it', async () => {
    const t = await full();
    const res = await t.client.post('/api/v1/core/addons/projects/disable');
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ADDON_REQUIRED');
    expect(res.body.message).toBe(
      'Cannot disable "projects": the enabled addon "tasks" depends on it. Disable "tasks" first.',
    );
    const gql = await t.client.graphql('mutation { disableAddon(id: "projects") }');
    expect(gql.body.errors[0].extensions.code).toBe('ADDON_REQUIRED');
  });

  it('runs the enable hook once per tenant and records the version and data steps', async () => {
    const t = await full();
    const other = await bare();
    // enabling again (already enabled) must not run the hook a second time
    expect((await t.client.post('/api/v1/core/addons/projects/enable')).status).toBe(200);
    const welcome = await env.sql<{ tenant_id: string }>(
      'select tenant_id from projects_welcome where tenant_id = any($1::uuid[])',
      [[t.id, other.id]],
    );
    expect(welcome.map((r) => r.tenant_id)).toEqual([t.id]);
    const steps = await env.sql<{ step_id: string }>(
      'select step_id from core_tenant_addon_step where tenant_id = $1 and addon_id = $2',
      [t.id, 'projects'],
    );
    expect(steps.map((s) => s.step_id)).toEqual(['backfill-archived']);
  });

  it('keeps the data when disabled, and shows it again when re-enabled', async () => {
    const t = await full();
    const created = await t.client.post('/api/v1/projects/projects', { name: 'Kept' });
    expect(created.status).toBe(201);
    expect((await t.client.post('/api/v1/core/addons/tasks/disable')).status).toBe(200);
    expect((await t.client.post('/api/v1/core/addons/projects/disable')).status).toBe(200);
    expect((await t.client.get(`/api/v1/projects/projects/${created.body.id}`)).status).toBe(404);
    const rows = await env.sql('select 1 from projects_project where id = $1', [created.body.id]);
    expect(rows).toHaveLength(1);
    expect((await t.client.post('/api/v1/core/addons/tasks/enable')).body.enabled).toEqual(['projects', 'tasks']);
    const back = await t.client.get(`/api/v1/projects/projects/${created.body.id}`);
    expect(back.status).toBe(200);
    expect(back.body.name).toBe('Kept');
  });

  it('purges a disabled addon’s data only on an explicit uninstall, and only for this tenant', async () => {
    const t = await tenant('purge', ['projects']);
    const other = await tenant('keeper', ['projects']);
    await t.client.post('/api/v1/projects/projects', { name: 'Doomed' });
    await other.client.post('/api/v1/projects/projects', { name: 'Safe' });
    const refused = await t.client.delete('/api/v1/core/addons/projects/data');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('ADDON_ENABLED');
    await t.client.post('/api/v1/core/addons/projects/disable');
    expect((await t.client.delete('/api/v1/core/addons/projects/data')).status).toBe(204);
    expect(await env.sql('select name from projects_project where tenant_id = $1', [t.id])).toEqual([]);
    expect(await env.sql('select name from projects_project where tenant_id = $1', [other.id])).toEqual([
      { name: 'Safe' },
    ]);
    const state = await t.client.get('/api/v1/core/addons');
    expect(state.body.data.find((a: { id: string }) => a.id === 'projects')).toMatchObject({
      enabled: false,
      tenantVersion: null,
    });
  });

  it('answers 404 for unknown addons and refuses members', async () => {
    const t = await full();
    expect((await t.client.post('/api/v1/core/addons/nope/enable')).body.code).toBe('ADDON_NOT_FOUND');
    const member = await t.as('member');
    const res = await member.post('/api/v1/core/addons/tasks/disable');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'FORBIDDEN', message: 'Missing permission: core.addons.manage' });
  });
});

describe('a tenant without an addon sees nothing of it', () => {
  it('GraphQL: introspection shows none of its types or fields', async () => {
    const none = await bare();
    const names = await typeNames(none);
    expect(names).not.toContain('Project');
    expect(names).not.toContain('Task');
    const q = await none.client.graphql('{ projects { totalCount } }');
    expect(q.body.errors[0].message).toMatch(/Cannot query field "projects"/);
    const withAll = await typeNames(await full());
    expect(withAll).toEqual(expect.arrayContaining(['Project', 'Task']));
  });

  it('GraphQL: a dependent addon’s extension fields exist only where it is enabled', async () => {
    const onlyProjects = await tenant('onlyprojects', ['projects']);
    const fields = async (t: TestTenant) => {
      const r = await t.client.graphql('{ __type(name: "Project") { fields { name } } }');
      return (r.body.data.__type.fields as { name: string }[]).map((f) => f.name);
    };
    expect(await fields(onlyProjects)).not.toContain('tasks');
    expect(await fields(await full())).toEqual(expect.arrayContaining(['tasks', 'openTaskCount']));
  });

  it('REST: its routes answer 404 exactly like a route that does not exist', async () => {
    const none = await bare();
    const disabled = await none.client.get('/api/v1/projects/projects');
    const missing = await none.client.get('/api/v1/nothing/here');
    expect(disabled.status).toBe(404);
    expect(disabled.body.code).toBe('NOT_FOUND');
    expect(missing.status).toBe(404);
    expect((await (await full()).client.get('/api/v1/projects/projects')).status).toBe(200);
  });

  it('settings and lifecycle: no settings endpoint, no enable hook', async () => {
    const none = await bare();
    expect((await none.client.get('/api/v1/core/addons/projects/settings')).status).toBe(404);
    const rows = await env.sql('select 1 from projects_welcome where tenant_id = $1', [none.id]);
    expect(rows).toHaveLength(0);
  });

  it('caches one schema per distinct set of enabled addons', async () => {
    const other = await tenant('twin', ['tasks']);
    await typeNames(other);
    await typeNames(await full());
    const keys = [...env.kernel.schemas.buildMs.keys()];
    expect(keys).toContain('projects,tasks');
    expect(keys.filter((k) => k === 'projects,tasks')).toHaveLength(1);
    expect(env.kernel.schemas.get(new Set(['tasks', 'projects']))).toBe(
      env.kernel.schemas.get(new Set(['projects', 'tasks'])),
    );
  });
});

describe('permissions declared by addons', () => {
  it('members get the grants addons declare; missing ones answer 403 naming the permission', async () => {
    const t = await full();
    const member = await t.as('member');
    const created = await member.post('/api/v1/projects/projects', { name: 'By member' });
    expect(created.status).toBe(201);
    const del = await member.delete(`/api/v1/projects/projects/${created.body.id}`);
    expect(del.status).toBe(403);
    expect(del.body).toEqual({
      code: 'FORBIDDEN',
      message: 'Missing permission: projects.project.delete',
      details: [
        {
          message: 'This action needs the permission "projects.project.delete"',
          permission: 'projects.project.delete',
        },
      ],
    });
    const gql = await member.graphql('mutation($id: ID!) { deleteProject(id: $id) }', { id: created.body.id });
    expect(gql.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', status: 403 });
    expect(gql.body.errors[0].message).toBe('Missing permission: projects.project.delete');
    const admin = await t.as('admin');
    expect((await admin.delete(`/api/v1/projects/projects/${created.body.id}`)).status).toBe(204);
  });

  it('a role without a permission is refused even on reads', async () => {
    const t = await full();
    await env.sql("update core_role set permissions = '{}' where key = 'member' and tenant_id = $1", [t.id]);
    const member = await t.as('member');
    const res = await member.get('/api/v1/projects/projects');
    expect(res.status).toBe(403);
    expect(res.body.message).toBe('Missing permission: projects.project.read');
  });
});

describe('settings, validation, pagination', () => {
  it('validates settings against the addon’s JSON schema', async () => {
    const t = await full();
    expect((await t.client.get('/api/v1/core/addons/projects/settings')).body).toEqual({
      defaultStatus: 'active',
      maxProjects: 1000,
    });
    const bad = await t.client.put('/api/v1/core/addons/projects/settings', { maxProjects: 0, colour: 'red' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(bad.body.details).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: 'is not allowed' },
        { path: 'maxProjects', message: 'must be at least 1' },
      ]),
    );
    const ok = await t.client.put('/api/v1/core/addons/projects/settings', { maxProjects: 5 });
    expect(ok.body.maxProjects).toBe(5);
    expect((await t.client.get('/api/v1/core/addons/projects/settings')).body.maxProjects).toBe(5);
  });

  it('pages with limit/offset/total_count and rejects bad input with 400', async () => {
    const t = await tenant('pager', ['projects']);
    for (const name of ['c', 'a', 'b', 'e', 'd']) {
      expect((await t.client.post('/api/v1/projects/projects', { name })).status).toBe(201);
    }
    const page = await t.client.get('/api/v1/projects/projects?limit=2&offset=1&sort=name');
    expect(page.body).toMatchObject({ total_count: 5, limit: 2, offset: 1 });
    expect(page.body.data.map((p: { name: string }) => p.name)).toEqual(['b', 'c']);
    const bad = await t.client.get('/api/v1/projects/projects?limit=5000');
    expect(bad.status).toBe(400);
    expect(bad.body.details[0].path).toBe('limit');
    const badBody = await t.client.post('/api/v1/projects/projects', { name: 42 });
    expect(badBody.status).toBe(400);
    expect(badBody.body.code).toBe('VALIDATION_FAILED');
    const notUuid = await t.client.get('/api/v1/projects/projects/not-a-uuid');
    expect(notUuid.status).toBe(404);
  });

  it('rejects GraphQL queries beyond the depth and size limits before running them', async () => {
    const t = await full();
    expect((await t.client.graphql('{ me { tenant { slug } } }')).body.errors).toBeUndefined();
    const deep = `{ __schema { types { fields { type ${'{ ofType '.repeat(10)}{ name }${' }'.repeat(10)} } } } }`;
    const res = await t.client.graphql(deep);
    expect(res.body.errors[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(res.body.errors[0].message).toMatch(/^Query depth 1\d exceeds the limit of 12$/);
    const wide = `{ ${Array.from({ length: 1001 }, (_, i) => `a${i}: me { id }`).join(' ')} }`;
    const big = await t.client.graphql(wide);
    expect(big.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toContain(
      'QUERY_TOO_COMPLEX',
    );
  });
});
