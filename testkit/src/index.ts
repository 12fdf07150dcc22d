import { randomBytes } from 'node:crypto';
import { checkTenantSchema, createKernel, type KernelInternals, loadConfig, type OpenApiDocument } from '@elevate/core';
import type { AnyAddon, JobDef, ScheduleDef } from '@elevate/sdk';
import pg from 'pg';
import { ApiClient } from './client.ts';
import { createTestDatabase } from './template-db.ts';

export { ApiClient, type HttpResult } from './client.ts';

export interface TestTenant {
  id: string;
  slug: string;
  /** Authenticated as the tenant's owner. */
  client: ApiClient;
  ownerEmail: string;
  password: string;
  refreshToken: string;
  /** A new user with the given seeded role, logged in. */
  as(role: 'owner' | 'admin' | 'manager' | 'member', email?: string): Promise<ApiClient>;
  /**
   * Runs one of the company's schedules now, as the owner (`POST /api/v1/core/schedules/:name/run`),
   * and waits until the workers finished it (boot the kernel with workers): its result, or an
   * error with the job's failure. A test of a nightly job need not wait for the night.
   */
  runSchedule(name: string, opts?: { timeoutMs?: number }): Promise<unknown>;
}

export interface TestEnv {
  /** The kernel's internals, for the platform's own tests; addon tests use `admin` instead. */
  kernel: KernelInternals;
  /** What an operator may do, narrowly: addons per tenant, the demo seed, the schema check. */
  admin: {
    enableAddon(tenantId: string, addon: string): Promise<unknown>;
    disableAddon(tenantId: string, addon: string): Promise<unknown>;
    seedDemo(): ReturnType<KernelInternals['seedDemo']>;
    /** Runs migrations and every tenant's pending upgrade data steps, as `elevate migrate` does (tests of an addon's upgrade). */
    migrate(): Promise<void>;
    /** Every problem of the database schema that breaks tenancy (forced RLS, tenant_id in keys); [] when safe. */
    checkSchema(): Promise<string[]>;
    /** Builds the custom-field expression indexes now (in production a kernel job does it after each change). */
    syncCustomFieldIndexes(): Promise<{ created: string[]; dropped: string[] }>;
  };
  url: string;
  databaseUrl: string;
  redisPrefix: string;
  /** Runs SQL as the schema owner (bypasses RLS): for assertions only. */
  sql<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** An unauthenticated client. */
  anonymous(): ApiClient;
  /** Creates a tenant with an owner, enables the given addons and logs in. */
  tenant(slug: string, opts?: { enable?: string[] }): Promise<TestTenant>;
  /** Relays everything committed so far from the outbox; returns what is still pending. */
  flush(): Promise<number>;
  /**
   * Runs a job or a schedule of an installed addon for the tenant now, as one attempt of a worker
   * (its own tenant transaction, committed when it returns), without waiting for a queue or a cron
   * time; resolves to what it returned. Works with `workers: false`.
   */
  runJob<R>(schedule: ScheduleDef<R>, tenant: { id: string }): Promise<Awaited<R>>;
  runJob<D, R>(job: JobDef<D, R>, tenant: { id: string }, data: D): Promise<Awaited<R>>;
  /**
   * The GraphQL schema a tenant with exactly these addons enabled sees, as SDL sorted by name:
   * snapshot it in a test so every API change shows in review.
   */
  graphqlSdl(enabled: readonly string[]): string;
  /**
   * The OpenAPI document a tenant with exactly these addons enabled sees, without `servers`;
   * with `only`, just that addon's paths (its fragment): snapshot it as JSON so REST changes show in review.
   */
  openapi(enabled: readonly string[], opts?: { only?: string }): OpenApiDocument;
  close(): Promise<void>;
}

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * One call: a fresh real database, a kernel with exactly the given addons, migrated and
 * listening on a free port, a private Redis prefix.
 */
export async function bootTestKernel(opts: {
  addons: readonly AnyAddon[];
  env?: Record<string, string>;
  workers?: boolean;
}): Promise<TestEnv> {
  const id = randomBytes(6).toString('hex');
  const dbName = `elevate_test_${id}`;
  const databaseUrl = new URL(ADMIN_URL);
  databaseUrl.pathname = `/${dbName}`;
  const redisPrefix = `elevate-test-${id}`;
  const configFor = (url: string, prefix: string, workers: boolean) =>
    loadConfig(
      {
        NODE_ENV: 'test',
        DATABASE_URL: url,
        REDIS_PREFIX: prefix,
        PORT: '0',
        RELAY_INTERVAL_MS: '50',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...opts.env,
      },
      { workers },
    );
  const config = configFor(databaseUrl.toString(), redisPrefix, opts.workers ?? true);
  // What the migrated schema depends on: the addons' migrations and install hooks, the app role.
  const schemaKey = JSON.stringify([
    config.appDbUser,
    opts.addons.map((a) => [a.id, a.version, a.migrations.map(String), String(a.lifecycle.install ?? '')]),
  ]);
  await createTestDatabase(ADMIN_URL, dbName, schemaKey, async (templateUrl) => {
    const builder = await createKernel({
      config: configFor(templateUrl, `${redisPrefix}-tpl`, false),
      addons: opts.addons,
    });
    try {
      await builder.migrate();
    } finally {
      await builder.stop();
    }
  });
  // A kernel that refuses to boot (a clash, a platform range) leaves no database behind.
  let kernel: KernelInternals | undefined;
  let url: string;
  try {
    kernel = await createKernel({ config, addons: opts.addons });
    await kernel.migrate();
    ({ url } = await kernel.listen());
  } catch (err) {
    await kernel?.stop().catch(() => {});
    const a = new pg.Client({ connectionString: ADMIN_URL });
    await a.connect();
    await a.query(`drop database if exists ${dbName} with (force)`).finally(() => a.end());
    throw err;
  }
  const owner = new pg.Pool({ connectionString: databaseUrl.toString(), max: 2 });

  const login = async (slug: string, email: string, password: string) => {
    const res = await new ApiClient(url).post('/api/v1/auth/login', { tenant: slug, email, password });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { accessToken: string; refreshToken: string };
  };

  let closed = false;
  return {
    kernel,
    url,
    databaseUrl: databaseUrl.toString(),
    redisPrefix,
    async sql<T>(text: string, params?: unknown[]) {
      return (await owner.query(text, params)).rows as T[];
    },
    anonymous: () => new ApiClient(url),
    admin: {
      enableAddon: (tenantId, addon) => kernel.tenantAddons.enable(tenantId, addon),
      disableAddon: (tenantId, addon) => kernel.tenantAddons.disable(tenantId, addon),
      seedDemo: () => kernel.seedDemo(),
      migrate: () => kernel.migrate(),
      checkSchema: () => checkTenantSchema(owner),
      syncCustomFieldIndexes: () => kernel.syncCustomFieldIndexes(),
    },
    async tenant(slug, tOpts = {}) {
      const password = 'correct-horse-battery';
      const ownerEmail = `owner@${slug}.test`;
      const { tenant } = await kernel.tenants.create({
        slug,
        name: `${slug} Inc`,
        ownerEmail,
        ownerPassword: password,
      });
      for (const addon of tOpts.enable ?? []) await kernel.tenantAddons.enable(tenant.id, addon);
      const session = await login(slug, ownerEmail, password);
      let n = 0;
      const client = new ApiClient(url, session.accessToken);
      return {
        id: tenant.id,
        slug,
        client,
        ownerEmail,
        password,
        refreshToken: session.refreshToken,
        async as(role, email) {
          n += 1;
          const e = email ?? `${role}${n}@${slug}.test`;
          await kernel.users.create(tenant.id, { email: e, password, role });
          return new ApiClient(url, (await login(slug, e, password)).accessToken);
        },
        async runSchedule(name, rOpts = {}) {
          const started = await client.post(`/api/v1/core/schedules/${encodeURIComponent(name)}/run`);
          if (started.status !== 202) {
            throw new Error(`Schedule "${name}" did not start: ${started.status} ${JSON.stringify(started.body)}`);
          }
          const until = Date.now() + (rOpts.timeoutMs ?? 20_000);
          for (;;) {
            // The outbox row goes to the workers once the request committed; relay it now.
            await kernel.relay.flush();
            const job = (await client.get(`/api/v1/core/jobs/${started.body.jobId}`)).body;
            if (job.state === 'completed') return job.result;
            if (job.state === 'failed') throw new Error(`Schedule "${name}" failed: ${job.error}`);
            if (Date.now() > until) throw new Error(`Schedule "${name}" still ${job.state} after waiting`);
            await new Promise((r) => setTimeout(r, 50));
          }
        },
      };
    },
    flush: () => kernel.relay.flush(),
    runJob: async (job: { name: string }, tenant: { id: string }, data?: unknown) =>
      (await kernel.runJob(job.name, tenant.id, data ?? {})) as never,
    graphqlSdl: (enabled) => kernel.schemas.sdl(new Set(enabled)),
    openapi: (enabled, oOpts = {}) => kernel.openapi(new Set(enabled), oOpts),
    async close() {
      if (closed) return;
      closed = true;
      await kernel.stop();
      await owner.end();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      // Let closing connections finish first: forcing them closed mid-shutdown raises
      // errors on clients nobody listens to any more.
      for (let i = 0; ; i++) {
        try {
          await a.query(`drop database if exists ${dbName}${i >= 30 ? ' with (force)' : ''}`);
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== '55006' || i >= 30) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await a.end();
    },
  };
}
