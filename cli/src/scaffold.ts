// `elevate addon new`: the files of a new addon that builds, passes its tests and runs at once —
// a model offered as a resource (REST + GraphQL), its permissions, a page with a menu entry, a
// dashboard widget, a test with the test kit and a README. The shapes are those the authoring
// guide teaches (docs/addon-authoring.md, "Your first addon").

export interface ScaffoldInput {
  /** Addon id: lowercase, as the manifest requires (`helpdesk`). */
  id: string;
  /** The model's noun (`ticket` → model `helpdesk.ticket`, REST `/api/v1/helpdesk/tickets`). */
  noun: string;
  title: string;
  /**
   * How the package names its SDK dependencies: `workspace:*` inside the workspace, links to a
   * checkout, or version ranges of the published packages. With `published`, the SDK is a peer
   * dependency (the platform that loads the addon brings the one copy; a second copy of the SDK or
   * of graphql breaks schemas), and the CLI a dev dependency (`pnpm dev`, `pnpm run migration`).
   */
  deps: { sdk: string; testkit: string; extra: Record<string, string>; published?: { cli: string } };
  /** Addons this one depends on: package name, export name and addon id. */
  depends: readonly { pkg: string; exportName: string; id: string }[];
  /** Outside the workspace the package brings its own Vitest and TypeScript configuration. */
  standalone: boolean;
}

export const ADDON_ID = /^[a-z][a-z0-9_]{1,31}$/;
export const NOUN = /^[a-z][a-z0-9_]{0,30}$/;

const pascal = (s: string) =>
  s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');

/** English plural, as the resource layer derives paths (sdk/src/resource/resource.ts `pluralOf`). */
function plural(noun: string): string {
  if (/[^aeiou]y$/i.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

/** Every file of the new addon, path (relative to its folder) → content. */
export function scaffoldFiles(input: ScaffoldInput): Record<string, string> {
  const { id, noun, title } = input;
  const Model = pascal(noun);
  const nouns = plural(noun);
  const path = `/v1/${id}/${nouns}`;
  const listField = `${pascal(id).charAt(0).toLowerCase()}${pascal(id).slice(1)}${pascal(nouns)}`;
  const files: Record<string, string> = {};

  files['package.json'] = `${JSON.stringify(
    {
      name: `@acme/${id}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `${title}: an ElevateCRM addon`,
      exports: { '.': './src/index.ts', './web': './web/index.ts' },
      elevate: { addon: true, export: id },
      scripts: !input.standalone
        ? undefined
        : input.deps.published
          ? {
              test: 'vitest run',
              // The server code and the pages (svelte-check reads .svelte files, tsc does not).
              check: 'tsc -p tsconfig.json && svelte-check --tsconfig ./web/tsconfig.json',
              dev: 'elevate dev',
              start: 'elevate start --demo',
              migration: `elevate addon migration ${id}`,
            }
          : { test: 'vitest run' },
      ...(input.deps.published
        ? {
            peerDependencies: { '@elevate/sdk': input.deps.sdk, ...input.deps.extra },
          }
        : { dependencies: { '@elevate/sdk': input.deps.sdk, ...input.deps.extra } }),
      devDependencies: {
        ...(input.deps.published ? { '@elevate/cli': input.deps.published.cli, '@elevate/sdk': input.deps.sdk } : {}),
        '@elevate/testkit': input.deps.testkit,
        ...(input.standalone ? { vitest: '5.1.1', typescript: '6.0.3', '@types/node': '24.19.2' } : {}),
        // What svelte-check needs to type-check the pages against the UI kit's Svelte sources.
        ...(input.deps.published
          ? { svelte: '5.57.3', 'svelte-check': '4.7.8', '@sveltejs/kit': '3.2.0', vite: '8.3.8' }
          : {}),
      },
    },
    null,
    2,
  )}\n`;

  files[`src/models/${noun}.model.ts`] = `import { defineModel, f } from '@elevate/sdk';

/** One ${noun} of a company. Owned: every row has an owner, so the record rules (@own, @team) apply. */
export const ${Model} = defineModel({
  name: '${id}.${noun}',
  owned: true,
  fields: {
    name: f.string({ required: true, max: 200 }),
    status: f.enum(['open', 'done'] as const, { required: true, default: 'open' }),
    notes: f.text(),
  },
  indexes: [['status']],
});
`;

  files['src/permissions.ts'] = `import { definePermissions } from '@elevate/sdk';

// Members see and change their own ${nouns}, managers their team's, admins all; only admins delete.
const scoped = ['admin', 'manager@team', 'member@own'] as const;

export const permissions = definePermissions({
  '${id}.${noun}.read': { title: 'See ${nouns}', grant: scoped },
  '${id}.${noun}.write': { title: 'Create and change ${nouns}', grant: scoped },
  '${id}.${noun}.delete': { title: 'Delete ${nouns}', grant: ['admin'] },
});
`;

  const imports = input.depends.map((d) => `import { ${d.exportName} } from '${d.pkg}';\n`).join('');
  files['src/index.ts'] = `import { defineAddon, defineResource } from '@elevate/sdk';
${imports}import { migrations } from '../migrations/index.ts';
import { ${Model} } from './models/${noun}.model.ts';
import { permissions } from './permissions.ts';

export const ${id} = defineAddon({
  id: '${id}',
  version: '0.1.0',
  title: ${JSON.stringify(title)},
  description: ${JSON.stringify(`${title}: ${nouns} for every company that enables it.`)},
  category: 'other',
  platform: '^1.0.0',${input.depends.length ? `\n  depends: [${input.depends.map((d) => d.exportName).join(', ')}],` : ''}
  models: [${Model}],
  migrations,
  // REST (/api/v1/${id}/${nouns}) and GraphQL (${listField}, create${pascal(id)}${Model}, ...), derived from the model.
  resources: [defineResource(${Model}, { search: ['name'] })],
  permissions,
});

export { ${Model} } from './models/${noun}.model.ts';
`;

  files['web/index.ts'] = `import type { ContributedModule, WebContribution } from '@elevate/sdk/web';

export const web: WebContribution = {
  menu: [{ label: ${JSON.stringify(title)}, path: '', icon: 'grid', permission: '${id}.${noun}.read' }],
  pages: import.meta.glob<ContributedModule>('./pages/**/*.svelte'),
  widgets: import.meta.glob<ContributedModule>('./widgets/*.svelte'),
};
`;

  files['web/pages/index.svelte'] = `<script lang="ts" module>
import { type LoadArgs, type ResourcePage, type Row, resourceClient } from '@elevate/sdk/web';
import type { ${Model} } from '../../src/models/${noun}.model.ts';

export const permission = '${id}.${noun}.read';
export const title = ${JSON.stringify(title)};

export function load({ api, url }: LoadArgs): Promise<ResourcePage<Row<typeof ${Model}>>> {
  return resourceClient<typeof ${Model}>(api, '${path}').list({
    count: true,
    offset: Number(url.searchParams.get('offset') ?? 0),
  });
}
</script>

<script lang="ts">
  import { DataTable, Field, fieldErrors, formatDate, Modal, PageHeader, Pagination, ui, useKit } from '@elevate/sdk/web';

  let { data }: { data: ResourcePage<Row<typeof ${Model}>> } = $props();
  const kit = useKit();
  const api = resourceClient<typeof ${Model}>(kit.api, '${path}');
  let open = $state(false);
  let name = $state('');
  let errors: Record<string, string> = $state({});

  async function create(e: SubmitEvent) {
    e.preventDefault();
    try {
      await api.create({ name });
      name = '';
      errors = {};
      open = false;
      kit.toast('Saved');
      await kit.refresh('${path}');
    } catch (err) {
      errors = fieldErrors(err);
      if (!Object.keys(errors).length) kit.toast((err as Error).message, 'error');
    }
  }
</script>

<PageHeader title=${JSON.stringify(title)} description="{data.total_count} in all">
  {#snippet actions()}
    {#if kit.can('${id}.${noun}.write')}<button type="button" class={ui.primary} onclick={() => (open = true)}>New ${noun}</button>{/if}
  {/snippet}
</PageHeader>
<DataTable
  caption=${JSON.stringify(title)}
  rows={data.data}
  empty="No ${nouns} yet."
  columns={[
    { key: 'name', label: 'Name' },
    { key: 'status', label: 'Status' },
    { key: 'createdAt', label: 'Created', format: (v) => formatDate(String(v)) },
  ]}
/>
<Pagination
  total={data.total_count ?? 0}
  limit={data.limit}
  offset={data.offset}
  href={(offset) => kit.href(\`/${id}?offset=\${offset}\`)}
/>
<Modal bind:open title="New ${noun}">
  <form class="grid gap-4" onsubmit={create} novalidate>
    <Field label="Name" name="name" bind:value={name} required error={errors.name} />
    <div class="flex justify-end gap-2">
      <button type="button" class={ui.secondary} onclick={() => (open = false)}>Cancel</button>
      <button type="submit" class={ui.primary}>Save</button>
    </div>
  </form>
</Modal>
`;

  files[`web/widgets/10-${nouns}.svelte`] = `<script lang="ts" module>
import { type LoadArgs, resourceClient, type WidgetMeta } from '@elevate/sdk/web';
import type { ${Model} } from '../../src/models/${noun}.model.ts';

export const widget: WidgetMeta = { title: ${JSON.stringify(`Open ${nouns}`)}, permission: '${id}.${noun}.read' };

export async function load({ api }: LoadArgs): Promise<{ open: number | null }> {
  const page = await resourceClient<typeof ${Model}>(api, '${path}').list({ status: 'open', limit: 1, fields: 'id', count: true });
  return { open: page.total_count };
}
</script>

<script lang="ts">
  import { formatNumber, useKit } from '@elevate/sdk/web';
  let { data }: { data: { open: number | null } } = $props();
  const kit = useKit();
</script>

<a class="block text-3xl font-semibold" href={kit.href('/${id}')}>{formatNumber(data.open ?? 0)}</a>
`;

  files[`test/${id}.test.ts`] = `import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
${input.depends.map((d) => `import { ${d.exportName} } from '${d.pkg}';\n`).join('')}import { ${id} } from '../src/index.ts';

const PATH = '/api/v1/${id}/${nouns}';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  // A fresh database with this addon only (and what it depends on), migrated, on a free port.
  env = await bootTestKernel({ addons: [${[...input.depends.map((d) => d.exportName), id].join(', ')}], workers: false });
  acme = await env.tenant('acme', { enable: ['${id}'] });
});
afterAll(() => env?.close());

describe('${id}', () => {
  it('creates, lists, changes and deletes ${nouns} over REST and GraphQL', async () => {
    const created = await acme.client.post(PATH, { name: 'First' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'First', status: 'open' });
    const changed = await acme.client.patch(\`\${PATH}/\${created.body.id}\`, { status: 'done' });
    expect(changed.body).toMatchObject({ status: 'done' });
    const gql = await acme.client.graphql('{ ${listField}(q: "first") { data { name status } } }');
    expect(gql.body).toMatchObject({ data: { ${listField}: { data: [{ name: 'First', status: 'done' }] } } });
    expect((await acme.client.delete(\`\${PATH}/\${created.body.id}\`)).status).toBe(204);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const res = await acme.client.post(PATH, { name: '', status: 'lost' });
    expect(res.status).toBe(400);
    expect(res.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['name', 'status']);
  });

  it('every table is tenant-safe', async () => {
    expect(await env.admin.checkSchema()).toEqual([]);
  });

  it('GraphQL schema and OpenAPI fragment: changes show in review', async () => {
    await expect(env.graphqlSdl(['${id}'])).toMatchFileSnapshot('./__snapshots__/${id}.graphql');
    const doc = env.openapi(['${id}'], { only: '${id}' });
    await expect(\`\${JSON.stringify(doc, null, 2)}\\n\`).toMatchFileSnapshot('./__snapshots__/${id}.openapi.json');
  });

  it('a member sees only their own ${nouns}; another company sees none', async () => {
    const mine = await (await acme.as('member')).post(PATH, { name: 'Mine' });
    await acme.client.post(PATH, { name: "The owner's" });
    const member = await acme.as('member', 'other-member@acme.test');
    expect((await member.get(PATH)).body.data).toEqual([]);
    const other = await env.tenant('other', { enable: ['${id}'] });
    expect((await other.client.get(\`\${PATH}/\${mine.body.id}\`)).status).toBe(404);
    expect((await other.client.get(PATH)).body.data).toEqual([]);
  });
});
`;

  files['README.md'] = `# ${title}

An ElevateCRM addon: \`${id}.${noun}\` records on REST (\`/api/v1/${id}/${nouns}\`) and GraphQL
(\`${listField}\`), a page with a menu entry, a dashboard widget, and its tests.

- \`src/models/${noun}.model.ts\`: the model. After changing it, generate the migration ${
    input.deps.published
      ? `here: \`pnpm run migration --name "what changed"\``
      : `from the
  platform checkout: \`${input.standalone ? `ADDON_PATHS=$PWD ` : ''}./elevate addon migration ${id} --name "what changed"\``
  }.${input.deps.published ? '\n- `pnpm dev`: the platform with this addon, reloading it on every change (`pnpm start`: without).\n- `pnpm run check`: the type check of the server code (`tsc`) and of the pages (`svelte-check`).' : ''}
- \`src/permissions.ts\`: who may read, write and delete.
- \`web/\`: the page (\`web/pages/index.svelte\`) and the widget, built from the UI kit (\`@elevate/sdk/web\`).
- \`test/${id}.test.ts\`: ${input.standalone ? '`pnpm test`' : `\`pnpm exec vitest run addons/${id}\` from the workspace root`} (a fresh database per file).

How addons work: docs/addon-authoring.md in the platform's repository.
`;

  if (input.standalone) {
    files['vitest.config.ts'] = `import { addonTestConfig } from '@elevate/testkit/vitest';

// One graphql instance and time for each file's fresh database (see the test kit).
export default addonTestConfig();
`;
    files['tsconfig.json'] = `${JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2024',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          lib: ['ES2024'],
          types: ['node'],
          strict: true,
          verbatimModuleSyntax: true,
          allowImportingTsExtensions: true,
          noEmit: true,
          skipLibCheck: true,
        },
        include: ['src/**/*.ts', 'test/**/*.ts', 'migrations/**/*.ts'],
      },
      null,
      2,
    )}\n`;
    files['.gitignore'] = 'node_modules/\n.elevate/\n';
  }
  if (input.deps.published) {
    // The pages run in the browser: its library, and Vite's types for import.meta.glob.
    files['web/tsconfig.json'] = `${JSON.stringify(
      {
        extends: '../tsconfig.json',
        compilerOptions: { lib: ['ES2024', 'DOM', 'DOM.Iterable'], types: ['node', 'vite/client'] },
        include: ['./**/*.ts', './**/*.svelte'],
      },
      null,
      2,
    )}\n`;
  }
  files['migrations/index.ts'] =
    '// Generated by `elevate addon migration`: every migration of this addon, in order.\nexport const migrations = [];\n';
  return files;
}
