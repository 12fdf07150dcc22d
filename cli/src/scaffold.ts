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
  /** What to write besides the model, its resource and permissions (default: the page). */
  parts?: readonly Part[];
}

export type Part = 'page' | 'job' | 'webhook';

/** The optional parts of a new addon (`--with`), in the order they are offered. */
export const PARTS: readonly { name: Part; what: string }[] = [
  { name: 'page', what: 'a page with a menu entry and a dashboard widget' },
  { name: 'job', what: 'a nightly schedule that reminds owners of records open for a week' },
  { name: 'webhook', what: 'a public route that creates records from signed calls of another system' },
];

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
  const parts = new Set(input.parts ?? ['page']);
  const files: Record<string, string> = {};

  files['package.json'] = `${JSON.stringify(
    {
      name: `@acme/${id}`,
      version: '0.1.0',
      private: true,
      type: 'module',
      description: `${title}: an ElevateCRM addon`,
      exports: { '.': './src/index.ts', ...(parts.has('page') ? { './web': './web/index.ts' } : {}) },
      elevate: { addon: true, export: id },
      scripts: !input.standalone
        ? undefined
        : input.deps.published
          ? {
              test: 'vitest run',
              // The server code and the pages (svelte-check reads .svelte files, tsc does not).
              check: parts.has('page')
                ? 'tsc -p tsconfig.json && svelte-check --tsconfig ./web/tsconfig.json'
                : 'tsc -p tsconfig.json',
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
        ...(input.deps.published && parts.has('page')
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
  '${id}.${noun}.delete': { title: 'Delete ${nouns}', grant: ['admin'] },${
    parts.has('webhook')
      ? `\n  '${id}.webhook.manage': { title: 'Create the signing key of the inbound webhook', grant: ['admin'] },`
      : ''
  }
});
`;

  const imports = input.depends.map((d) => `import { ${d.exportName} } from '${d.pkg}';\n`).join('');
  files['src/index.ts'] = `import { defineAddon, defineResource } from '@elevate/sdk';
${imports}import { migrations } from '../migrations/index.ts';
${
  parts.has('job') ? "import { reminders } from './jobs/reminders.schedule.ts';\n" : ''
}${parts.has('webhook') ? "import { WebhookKey } from './models/webhook-key.model.ts';\n" : ''}import { ${Model} } from './models/${noun}.model.ts';
import { permissions } from './permissions.ts';
${parts.has('webhook') ? "import { inboundRoutes } from './rest/inbound.routes.ts';\n" : ''}
export const ${id} = defineAddon({
  id: '${id}',
  version: '0.1.0',
  title: ${JSON.stringify(title)},
  description: ${JSON.stringify(`${title}: ${nouns} for every company that enables it.`)},
  category: 'other',
  platform: '^1.0.0',${input.depends.length ? `\n  depends: [${input.depends.map((d) => d.exportName).join(', ')}],` : ''}
  models: [${Model}${parts.has('webhook') ? ', WebhookKey' : ''}],
  migrations,
  // REST (/api/v1/${id}/${nouns}) and GraphQL (${listField}, create${pascal(id)}${Model}, ...), derived from the model.
  resources: [defineResource(${Model}, { search: ['name'] })],
  permissions,${
    parts.has('job')
      ? `\n  schedules: [reminders],\n  // Users choose how each kind reaches them (in the app, by mail, in the digest) before the first one.\n  notifications: [{ type: '${id}.reminder', title: ${JSON.stringify(`Reminders of open ${nouns}`)} }],`
      : ''
  }${parts.has('webhook') ? `\n  // POST /api/v1/${id}/webhook-key (admins) and the public POST /api/v1/${id}/inbound/:tenant.\n  rest: inboundRoutes,` : ''}
});

export { ${Model} } from './models/${noun}.model.ts';
`;

  if (parts.has('page')) {
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
  }

  if (parts.has('job')) files['src/jobs/reminders.schedule.ts'] = reminderSchedule(id, Model, noun, nouns);
  if (parts.has('webhook')) Object.assign(files, webhookFiles(id, Model, noun));

  files[`test/${id}.test.ts`] =
    `${parts.has('webhook') ? "import { createHmac } from 'node:crypto';\n" : ''}import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
${input.depends.map((d) => `import { ${d.exportName} } from '${d.pkg}';\n`).join('')}import { ${id} } from '../src/index.ts';

const PATH = '/api/v1/${id}/${nouns}';
let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  // A fresh database with this addon only (and what it depends on), migrated, on a free port${
    parts.has('job') ? ',\n  // with the workers that run jobs and schedules' : ''
  }.
  env = await bootTestKernel({ addons: [${[...input.depends.map((d) => d.exportName), id].join(', ')}], workers: ${parts.has('job')} });
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
  });${parts.has('job') ? reminderTest(id, noun, nouns) : ''}${parts.has('webhook') ? webhookTest(id, nouns) : ''}
});
`;

  files['README.md'] = `# ${title}

An ElevateCRM addon: \`${id}.${noun}\` records on REST (\`/api/v1/${id}/${nouns}\`) and GraphQL
(\`${listField}\`)${parts.has('page') ? ', a page with a menu entry, a dashboard widget' : ''}${parts.has('job') ? ', a nightly reminder' : ''}${parts.has('webhook') ? ', a signed inbound webhook' : ''}, and its tests.

- \`src/models/${noun}.model.ts\`: the model. After changing it, generate the migration ${
    input.deps.published
      ? `here: \`pnpm run migration --name "what changed"\``
      : `from the
  platform checkout: \`${input.standalone ? `ADDON_PATHS=$PWD ` : ''}./elevate addon migration ${id} --name "what changed"\``
  }.${input.deps.published ? `\n- \`pnpm dev\`: the platform with this addon, reloading it on every change (\`pnpm start\`: without).\n- \`pnpm run check\`: the type check of the server code (\`tsc\`)${parts.has('page') ? ' and of the pages (`svelte-check`)' : ''}.` : ''}
- \`src/permissions.ts\`: who may read, write and delete.
${
  parts.has('page')
    ? '- `web/`: the page (`web/pages/index.svelte`) and the widget, built from the UI kit (`@elevate/sdk/web`).\n'
    : ''
}${
  parts.has('job')
    ? `- \`src/jobs/reminders.schedule.ts\`: every morning, a notification to the owner of each ${noun} open for a week (run it now: \`POST /api/v1/core/schedules/${id}.reminders/run\`).\n`
    : ''
}${
  parts.has('webhook')
    ? `- \`src/rest/inbound.routes.ts\`: \`POST /api/v1/${id}/webhook-key\` (admins) makes a signing key, shown once; another system then creates ${nouns} with \`POST /api/v1/${id}/inbound/<company id>\`, signed in \`${signatureHeader(id)}: sha256=<hex HMAC-SHA256 of the body>\`.\n`
    : ''
}- \`test/${id}.test.ts\`: ${input.standalone ? '`pnpm test`' : `\`pnpm exec vitest run addons/${id}\` from the workspace root`} (a fresh database per file).

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
  if (input.deps.published && parts.has('page')) {
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

function reminderSchedule(id: string, Model: string, noun: string, nouns: string): string {
  return `import { defineSchedule, entitySchemaOf, type Row } from '@elevate/sdk';
import { ${Model} } from '../models/${noun}.model.ts';

const ${Model}s = entitySchemaOf(${Model});
const WEEK_MS = 7 * 86_400_000;

/**
 * Every morning at 07:00 UTC, for each company that enabled ${id}: a reminder to the owner of each
 * ${noun} still open a week after it was created (oldest first, at most 1,000 a run). An admin runs
 * it at once with POST /api/v1/core/schedules/${id}.reminders/run; a test with acme.runSchedule().
 */
export const reminders = defineSchedule({
  name: '${id}.reminders',
  title: 'Remind owners of ${nouns} open for a week',
  cron: '0 7 * * *',
  run: async (ctx) => {
    const open = await ctx.em.find(
      ${Model}s,
      { status: 'open', createdAt: { $lt: new Date(Date.now() - WEEK_MS) } },
      { orderBy: { createdAt: 'asc' }, limit: 1000 },
    );
    let reminded = 0;
    for (const row of open as Row<typeof ${Model}>[]) {
      if (!row.ownerId) continue;
      await ctx.notifications.send({
        userId: row.ownerId,
        type: '${id}.reminder',
        title: \`Still open after a week: \${row.name}\`,
        link: '/${id}',
      });
      reminded += 1;
    }
    return { reminded };
  },
});
`;
}

function reminderTest(id: string, noun: string, nouns: string): string {
  return `

  it('reminds the owners of ${nouns} open for a week, in their own company only', async () => {
    const team = await env.tenant('reminded', { enable: ['${id}'] });
    const old = await team.client.post(PATH, { name: 'Old one' });
    await team.client.post(PATH, { name: 'New one' });
    // Created eight days ago (as the database owner: the API never backdates a record).
    await env.sql("update ${id}_${noun} set created_at = now() - interval '8 days' where id = $1", [old.body.id]);
    expect(await team.runSchedule('${id}.reminders')).toEqual({ reminded: 1 });
    const inbox = await team.client.get('/api/v1/core/notifications');
    expect(inbox.body.data.map((n: { title: string }) => n.title)).toEqual(['Still open after a week: Old one']);
    // A done one is left alone; another company's run finds nothing of this one.
    await team.client.patch(\`\${PATH}/\${old.body.id}\`, { status: 'done' });
    expect(await team.runSchedule('${id}.reminders')).toEqual({ reminded: 0 });
    const elsewhere = await env.tenant('not-reminded', { enable: ['${id}'] });
    expect(await elsewhere.runSchedule('${id}.reminders')).toEqual({ reminded: 0 });
  });`;
}

/** The header the scaffold's inbound webhook reads its signature from: `x-<id>-signature`. */
const signatureHeader = (id: string) => `x-${id.replace(/_/g, '-')}-signature`;

function webhookFiles(id: string, Model: string, noun: string): Record<string, string> {
  const header = signatureHeader(id);
  return {
    'src/models/webhook-key.model.ts': `import { defineModel, f } from '@elevate/sdk';

/** The signing key of a company's inbound webhook, sealed with ctx.secrets (never stored in clear). */
export const WebhookKey = defineModel({
  name: '${id}.webhook_key',
  fields: {
    sealed: f.text({ required: true }),
  },
});
`,
    'src/rest/inbound.routes.ts': `import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { entitySchemaOf, type RestRouter, type Row } from '@elevate/sdk';
import { ${Model} } from '../models/${noun}.model.ts';
import { WebhookKey } from '../models/webhook-key.model.ts';
import type { permissions } from '../permissions.ts';

const ${Model}s = entitySchemaOf(${Model});
const Keys = entitySchemaOf(WebhookKey);
const SIGNATURE = '${header}';

/** Whether \`header\` is \`sha256=<hex HMAC-SHA256 of the body>\` under \`secret\`, compared in constant time. */
function signedWith(secret: string, rawBody: string, header: string | undefined): boolean {
  const expected = Buffer.from(\`sha256=\${createHmac('sha256', secret).update(rawBody).digest('hex')}\`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function inboundRoutes(r: RestRouter<typeof permissions>): void {
  // A new signing key, shown this once; the previous one stops working.
  r.post(
    '/webhook-key',
    {
      permission: '${id}.webhook.manage',
      summary: 'Make a new signing key for the inbound webhook (shown once; the previous one stops working)',
      responses: { 201: { type: 'object', properties: { secret: { type: 'string' } }, required: ['secret'] } },
    },
    async ({ ctx }) => {
      const secret = randomBytes(32).toString('hex');
      await ctx.em.nativeDelete(Keys, {});
      ctx.em.create(Keys, { sealed: ctx.secrets.seal(secret) });
      await ctx.em.flush();
      return { status: 201, body: { secret } };
    },
  );

  // Another system (a shop, a form) creates a ${noun}: no access token, the signature is the proof.
  r.public.post<{ tenant: string }, { name: string; notes?: string }>(
    '/inbound/:tenant',
    {
      summary: \`Create a ${noun} from another system, signed in \${SIGNATURE}: sha256=<hex HMAC-SHA256 of the body>\`,
      body: {
        type: 'object',
        required: ['name'],
        properties: { name: { type: 'string', minLength: 1, maxLength: 200 }, notes: { type: 'string', maxLength: 10000 } },
        additionalProperties: false,
      },
      responses: {
        201: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
        401: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } },
      },
    },
    async ({ ctx, body, rawBody, headers }) => {
      const key = (await ctx.em.findOne(Keys, {})) as Row<typeof WebhookKey> | null;
      if (!key || !signedWith(ctx.secrets.open(key.sealed), rawBody, headers[SIGNATURE])) {
        return { status: 401, body: { code: 'BAD_SIGNATURE', message: \`\${SIGNATURE} is missing or does not match the body\` } };
      }
      const row = ctx.em.create(${Model}s, { name: body.name, notes: body.notes ?? null });
      await ctx.em.flush();
      return { status: 201, body: { id: row.id } };
    },
  );
}
`,
  };
}

function webhookTest(id: string, nouns: string): string {
  const header = signatureHeader(id);
  return `

  it('creates ${nouns} from calls signed with the company\\'s key, and refuses any other', async () => {
    const shop = await env.tenant('hooked', { enable: ['${id}'] });
    const key = await shop.client.post('/api/v1/${id}/webhook-key');
    expect(key.status).toBe(201);
    const body = JSON.stringify({ name: 'From the shop' });
    const signed = (secret: string) => ({
      'content-type': 'application/json',
      '${header}': \`sha256=\${createHmac('sha256', secret).update(body).digest('hex')}\`,
    });
    const url = \`/api/v1/${id}/inbound/\${shop.id}\`;
    const anon = env.anonymous();
    const made = await anon.request('POST', url, body, signed(key.body.secret));
    expect(made.status).toBe(201);
    expect((await shop.client.get(\`\${PATH}/\${made.body.id}\`)).body).toMatchObject({ name: 'From the shop', status: 'open' });
    // A wrong key, no signature, or another company's address: 401, nothing written there.
    expect((await anon.request('POST', url, body, signed('a guess'))).status).toBe(401);
    expect((await anon.request('POST', url, body, { 'content-type': 'application/json' })).status).toBe(401);
    const other = await env.tenant('not-hooked', { enable: ['${id}'] });
    const elsewhere = await anon.request('POST', \`/api/v1/${id}/inbound/\${other.id}\`, body, signed(key.body.secret));
    expect(elsewhere.status).toBe(401);
    expect((await other.client.get(PATH)).body.data).toEqual([]);
    // Bad input is named; only admins make keys.
    const bad = await anon.request('POST', url, JSON.stringify({ name: '' }), signed(key.body.secret));
    expect(bad.status).toBe(400);
    expect((await (await shop.as('member')).post('/api/v1/${id}/webhook-key')).status).toBe(403);
  });`;
}
