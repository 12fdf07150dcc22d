// The crawl's tenant: one user per seeded role and the awkward cases that broke pages before
// (an activity due earlier today, one without a due date, an import with failed rows, a deal on
// every stage, a contact with no company), made through the real API as the users themselves.
import { fileURLToPath, pathToFileURL } from 'node:url';
// The kernel's own permission rule, as the oracle of what a role may open.
import { permissionMatches } from '@elevate/sdk/permissions';
import { api, type Platform } from './platform.ts';

export const ROLES = ['owner', 'admin', 'manager', 'member'] as const;
export type Role = (typeof ROLES)[number];

export interface CrawlUser {
  role: Role;
  email: string;
  password: string;
  token: string;
  me: { user: { id: string }; permissions: string[]; enabledAddons: string[] };
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PASSWORD = 'crawl-secret-1';

// The kernel as the CLI and the test kit use it (not listening): users with any seeded role,
// including manager, which the CLI does not offer yet. Loaded from the core's own entry.
interface UsersKernel {
  tenants: { bySlug(slug: string): Promise<{ id: string } | null> };
  users: {
    create(tenantId: string, u: { email: string; password: string; name: string; role: Role }): Promise<unknown>;
  };
  stop(): Promise<void>;
}
interface CoreEntry {
  loadConfig(env: Record<string, string | undefined>, overrides: { workers: boolean }): unknown;
  createKernel(opts: { config: unknown }): Promise<UsersKernel>;
}

/** Users with seeded roles in a tenant (password PASSWORD), through the kernel as the CLI uses it. */
export async function createUsers(
  platform: Platform,
  slug: string,
  users: { email: string; name: string; role: Role }[],
): Promise<void> {
  const core = (await import(pathToFileURL(`${ROOT}core/src/index.ts`).href)) as CoreEntry;
  const config = core.loadConfig(
    {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: platform.databaseUrl,
      REDIS_PREFIX: platform.redisPrefix,
    },
    { workers: false },
  );
  const kernel = await core.createKernel({ config });
  try {
    const tenant = await kernel.tenants.bySlug(slug);
    if (!tenant) throw new Error(`no tenant ${slug}`);
    for (const u of users) await kernel.users.create(tenant.id, { ...u, password: PASSWORD });
  } finally {
    await kernel.stop();
  }
}

async function login(platform: Platform, slug: string, role: Role, email: string): Promise<CrawlUser> {
  const { accessToken: token } = await api<{ accessToken: string }>(platform.url, 'POST', '/api/v1/auth/login', {
    tenant: slug,
    email,
    password: PASSWORD,
  });
  const me = await api<CrawlUser['me']>(platform.url, 'GET', '/api/v1/core/me', undefined, token);
  return { role, email, password: PASSWORD, token, me };
}

/** Records owned by one user (so that `@own` and `@team` lists have a first row too). */
async function seedOwnRecords(platform: Platform, u: CrawlUser): Promise<void> {
  const call = <T = { id: string }>(method: string, path: string, body?: unknown) =>
    api<T>(platform.url, method, `/api/v1/crm${path}`, body, u.token);
  const company = await call('POST', '/contacts', { kind: 'company', name: `${u.role} Industries` });
  const person = await call('POST', '/contacts', {
    kind: 'person',
    firstName: 'Pat',
    lastName: `${u.role[0]?.toUpperCase()}${u.role.slice(1)}`,
    email: `pat.${u.role}@customer.test`,
    companyId: company.id,
  });
  // A person with no company.
  await call('POST', '/contacts', { kind: 'person', firstName: 'Nomad', lastName: `of ${u.role}` });
  await call('POST', '/leads', { title: `${u.role} inbound lead`, contactName: 'Lee Lead', source: 'web' });

  const now = new Date();
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  // Due earlier today (so it is both "overdue" and "today"), unless the day just began.
  const earlierToday = new Date(Math.max(midnight.getTime() + 1000, now.getTime() - 60 * 60 * 1000));
  const tomorrow = new Date(midnight.getTime() + 36 * 60 * 60 * 1000);
  for (const [subject, dueAt] of [
    [`${u.role}: call due earlier today`, earlierToday.toISOString()],
    [`${u.role}: task without a due date`, null],
    [`${u.role}: meeting tomorrow`, tomorrow.toISOString()],
  ] as const) {
    await call('POST', '/activities', { kind: 'call', subject, dueAt, contactId: person.id });
  }

  // A deal on every stage of the default pipeline.
  const pipelines = await call<{ data: { id: string; isDefault: boolean }[] }>('GET', '/pipelines');
  const pipelineId = pipelines.data.find((p) => p.isDefault)?.id;
  const board = await call<{ stages: { stage: { id: string; name: string; kind: string } }[] }>(
    'GET',
    `/pipelines/${pipelineId}/board`,
  );
  for (const { stage } of board.stages) {
    const deal = await call('POST', '/opportunities', {
      title: `${u.role} deal in ${stage.name}`,
      value: '1250.50',
      contactId: person.id,
    });
    await call('POST', `/opportunities/${deal.id}/move`, {
      stageId: stage.id,
      ...(stage.kind === 'lost' ? { reason: 'Chose a competitor' } : {}),
    });
  }
}

/** Quotes and an order of one user (sales pages: a draft, an accepted quote and its confirmed order). */
async function seedSales(platform: Platform, u: CrawlUser): Promise<void> {
  const call = <T = { id: string }>(method: string, path: string, body?: unknown) =>
    api<T>(platform.url, method, `/api/v1${path}`, body, u.token);
  const customer = await call('POST', '/crm/contacts', {
    kind: 'person',
    firstName: 'Quinn',
    lastName: `Quote ${u.role}`,
  });
  const lines = [
    { kind: 'section', description: 'Services' },
    { description: `${u.role} consulting day`, quantity: '2', unitPrice: '650.00', discountPercent: '5' },
    { kind: 'note', description: 'Travel included' },
  ];
  await call('POST', '/sales/quotes', { contactId: customer.id, currency: 'EUR', lines });
  const sent = await call('POST', '/sales/quotes', { contactId: customer.id, currency: 'USD', lines });
  await call('POST', `/sales/quotes/${sent.id}/send`, {});
  const { order } = await call<{ order: { id: string } }>('POST', `/sales/quotes/${sent.id}/accept`, {
    name: 'Quinn Quote',
    signature: 'Quinn Quote',
  });
  await call('POST', `/sales/orders/${order.id}/confirm`, {});
}

/** A CSV of which several rows fail (bad emails, a bad country, a row with no name). */
export const AWKWARD_CSV = [
  'Name;Email;Country',
  'Ina Import;ina@import.test;DE',
  'Bad Email One;not-an-email;DE',
  'Bad Email Two;also@bad;FR',
  'Bad Country;bc@import.test;Germany',
  ';nobody@import.test;GB',
  'Olga Okay;olga@import.test;GB',
].join('\n');

/** An import of which several rows fail. */
async function seedImport(platform: Platform, token: string): Promise<void> {
  const res = await fetch(`${platform.url}/api/v1/crm/imports?filename=awkward.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    body: AWKWARD_CSV,
  });
  if (!res.ok) throw new Error(`import upload: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await api(
    platform.url,
    'POST',
    `/api/v1/crm/imports/${id}/start`,
    { mapping: { Name: 'name', Email: 'email', Country: 'country' } },
    token,
  );
  for (;;) {
    const status = await api<{ status: string; failedRows: number }>(
      platform.url,
      'GET',
      `/api/v1/crm/imports/${id}`,
      undefined,
      token,
    );
    if (status.status === 'completed' || status.status === 'failed') {
      if (status.failedRows < 2)
        throw new Error(`the seeded import should fail several rows: ${JSON.stringify(status)}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signs up the tenant, enables every addon the deployment offers, adds one user per role, seeds data. */
export async function seedTenant(platform: Platform, slug: string): Promise<Record<Role, CrawlUser>> {
  const ownerEmail = `owner@${slug}.test`;
  const session = await api<{ accessToken: string }>(platform.url, 'POST', '/api/v1/auth/signup', {
    company: 'Crawl & Co',
    slug,
    name: 'Olive Owner',
    email: ownerEmail,
    password: PASSWORD,
  });
  const addons = await api<{ data: { id: string; enabled: boolean }[] }>(
    platform.url,
    'GET',
    '/api/v1/core/addons',
    undefined,
    session.accessToken,
  );
  for (const a of addons.data) {
    if (!a.enabled) await api(platform.url, 'POST', `/api/v1/core/addons/${a.id}/enable`, {}, session.accessToken);
  }
  const names: Record<Exclude<Role, 'owner'>, string> = {
    admin: 'Ada Admin',
    manager: 'Max Manager',
    member: 'Mia Member',
  };
  await createUsers(
    platform,
    slug,
    (Object.keys(names) as Exclude<Role, 'owner'>[]).map((role) => ({
      role,
      email: `${role}@${slug}.test`,
      name: names[role],
    })),
  );
  const users = {} as Record<Role, CrawlUser>;
  for (const role of ROLES) users[role] = await login(platform, slug, role, `${role}@${slug}.test`);
  for (const role of ROLES) {
    if (users[role].me.permissions.some((p) => permissionMatches(p, 'crm.contact.write'))) {
      await seedOwnRecords(platform, users[role]);
    }
    const perms = users[role].me.permissions;
    if (
      perms.some((p) => permissionMatches(p, 'sales.quote.write')) &&
      users[role].me.enabledAddons.includes('sales')
    ) {
      await seedSales(platform, users[role]);
    }
  }
  await seedImport(platform, users.owner.token);
  return users;
}
