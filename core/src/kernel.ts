import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAbsolute, join, resolve } from 'node:path';
import type { AnyAddon, JsonSchema, Shaped } from '@elevate/sdk';
import type Router from '@koa/router';
import type Koa from 'koa';
import type { DependencyContainer } from 'tsyringe';
import { loginAudit } from './audit/login-audit.ts';
import { Account } from './auth/account.ts';
import { ApiKeys } from './auth/api-keys.ts';
import { Invitations } from './auth/invitations.ts';
import { Mfa } from './auth/mfa.ts';
import { Sessions } from './auth/sessions.ts';
import { automationInboundRoutes, automationRouteDocs } from './automation/automation.routes.ts';
import { AutomationEngine } from './automation/engine.ts';
import { attachCommentPurge } from './comments/comment-purge.ts';
import { commentRouteDocs } from './comments/comments.routes.ts';
import type { Config } from './config/config.ts';
import { customFieldRouteDocs } from './custom-fields/custom-fields.routes.ts';
import { optedInModels } from './custom-fields/definitions.ts';
import { customFieldIndexJob, syncCustomFieldIndexes } from './custom-fields/indexes.ts';
import { attachAuditTriggers } from './db/audit-triggers.ts';
import { ensureAppRole, migrationOwners, runMigrations } from './db/migrate.ts';
import { createOrm } from './db/orm.ts';
import { createPools } from './db/pools.ts';
import { checkModelTables } from './db/schema-check.ts';
import { documentFileRoutes, documentRouteDocs } from './documents/documents.routes.ts';
import { LiveHub } from './events/live.ts';
import { OutboxRelay } from './events/relay.ts';
import { EXPORT_JOB, Exports } from './exports/exports.ts';
import { checkGraphqlFragments, SchemaCache } from './graphql/schema.ts';
import { graphqlMiddleware } from './graphql/yoga.ts';
import { accountCoreRoutes, accountPublicRoutes, accountRouteDocs, verifyAfterSignup } from './http/account.routes.ts';
import { adminRouteDocs } from './http/admin.routes.ts';
import { apiDescriptionRoutes, apiDocsPages } from './http/api-docs.routes.ts';
import { createApp } from './http/app.ts';
import { authBodies, authRoutes } from './http/auth.routes.ts';
import { authenticate } from './http/authenticate.ts';
import { coreRoutes } from './http/core.routes.ts';
import { exportFileRoutes, exportRouteDocs } from './http/exports.routes.ts';
import { healthRoutes } from './http/health.ts';
import { kernelRouteDocs } from './http/kernel-routes.docs.ts';
import { buildOpenApi, type OpenApiDocument } from './http/openapi.ts';
import { preferencesRouteDocs } from './http/preferences.routes.ts';
import { privacyRouteDocs } from './http/privacy.routes.ts';
import { addonPublicRouter } from './http/public-routes.ts';
import { addonRouter, checkRoutePermissions, collectRoutes } from './http/rest-router.ts';
import { mfaPublicRoutes, securityCoreRoutes, securityRouteDocs } from './http/security.routes.ts';
import type { State } from './http/state.ts';
import { FORWARD_KEY_ENV, throttle } from './http/throttle.ts';
import { viewsRouteDocs } from './http/views.routes.ts';
import { loadWebHandler, WEB_HANDLER_OPTIONS } from './http/web.ts';
import { createQueues } from './jobs/queues.ts';
import { Schedules } from './jobs/schedules.ts';
import { Workers } from './jobs/workers.ts';
import type { Kernel, MigrateStep } from './kernel-api.ts';
import { createLogger } from './logger.ts';
import { mailJob } from './mail/mail-job.ts';
import { createMailTransport } from './mail/transport.ts';
import { moneyRouteDocs } from './money/money.routes.ts';
import { NotificationDigest } from './notifications/digest.ts';
import { PLATFORM_VERSION } from './platform.ts';
import { privacyJob } from './privacy/privacy.ts';
import { AddonChangeBus } from './registry/change-bus.ts';
import { discoverAddons, findWorkspaceRoot } from './registry/discover.ts';
import { resolveAddons } from './registry/resolve.ts';
import { TenantAddons } from './registry/tenant-addons.ts';
import { Runtime } from './runtime.ts';
import { seedDemo } from './tenancy/demo.ts';
import { corePermissions, Tenants } from './tenancy/tenants.ts';
import { SavedViews } from './views/views.ts';
import { webhookDeliveryJob } from './webhooks/webhooks.ts';

export interface KernelOptions {
  config: Config;
  /** The addons this deployment runs. Omitted: discovered from the workspace and node_modules. */
  addons?: readonly AnyAddon[];
  /**
   * Compile the addons' REST validators on each route's first request instead of when the routers
   * are built (most of `listen`'s time with several addons). For `elevate dev`, where a kernel
   * starts on every save; a deployment keeps them compiled before it serves.
   */
  lazyValidators?: boolean;
}

/** A kernel with its internals exposed, for the test kit and benchmarks. */
export interface KernelInternals extends Kernel {
  /** The tsyringe container holding the addons' service providers (see services/service-registry.ts). */
  readonly container: DependencyContainer;
  readonly runtime: Runtime;
  readonly schemas: SchemaCache;
  readonly relay: OutboxRelay;
  readonly live: LiveHub;
  readonly tenantAddonService: TenantAddons;
  /** The rule engine (docs/automation.md): its clock and tick are the tests' handles on schedules. */
  readonly automation: AutomationEngine;
  /** The daily notification digest: its clock and `run(tenantId)` are the tests' handles. */
  readonly digest: NotificationDigest;
  /** Every HTTP route the app mounts (health, auth, core, each addon's), with its declared schemas. */
  routes(): RouteInfo[];
  /** The OpenAPI document a tenant with these addons enabled sees (cached per set). */
  openapi(enabled: ReadonlySet<string>, opts?: { server?: string; only?: string }): OpenApiDocument;
  /** Builds and drops custom-field expression indexes now (the kernel job does it after each change). */
  syncCustomFieldIndexes(): ReturnType<typeof syncCustomFieldIndexes>;
  /** Runs an addon's job or schedule (by name) for a tenant now, as one worker attempt: the test kit's `runJob`. */
  runJob(name: string, tenantId: string, data?: unknown): Promise<unknown>;
}

export interface RouteInfo {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The full path, with `:param` placeholders. */
  path: string;
  /** The addon whose route this is; null for the kernel's own. */
  addon: string | null;
  /** Schemas of a resource whose model other addons extend depend on the enabled addons (Shaped). */
  query?: Shaped<JsonSchema>;
  body?: Shaped<JsonSchema>;
  bodyType?: 'json' | 'text';
  summary?: string;
  /** The permission the route checks before its handler runs. */
  permission?: string;
  /** Response bodies by status (null: none), as published in the OpenAPI document. */
  responses?: Shaped<Readonly<Record<number, JsonSchema | null>>>;
  /** Needs no access token (sign-up, login). */
  public?: boolean;
}

export { DEMO } from './tenancy/demo.ts';

export async function createKernel(opts: KernelOptions): Promise<KernelInternals> {
  const { config } = opts;
  const log = createLogger(config);
  const given = opts.addons ?? (await discoverAddons(findWorkspaceRoot(), config.addonPaths));
  const addons = resolveAddons(given, PLATFORM_VERSION);
  // Refuse to boot, before anything is opened, when two addons' GraphQL fragments clash.
  checkGraphqlFragments(addons);
  checkRoutePermissions(addons, Object.keys(corePermissions));
  const pools = createPools(config);
  const orm = await createOrm(
    addons.flatMap((a) => a.models),
    addons.flatMap((a) => a.extensions),
  );
  const rt = new Runtime(config, log, pools, orm, addons);
  const queues = createQueues(config);
  // Rate limits, counted in Redis by every API process (http/throttle.ts; docs/security.md).
  const limits = { redis: queues.redis, prefix: `${config.redisPrefix}:${config.throttle.prefix}`, log };
  const throttles = {
    loginAccount: throttle(limits, 'login-account', config.throttle.loginAccount),
    loginIp: throttle(limits, 'login-ip', config.throttle.loginIp),
    signupIp: throttle(limits, 'signup-ip', config.throttle.signupIp),
    refreshIp: throttle(limits, 'refresh-ip', config.throttle.refreshIp),
    api: throttle(limits, 'api-tenant', config.throttle.api, { coalesce: true }),
    accountIp: throttle(limits, 'account-ip', config.throttle.accountIp),
    accountKey: throttle(limits, 'account-key', config.throttle.accountKey),
    mfaUser: throttle(limits, 'mfa-user', config.throttle.mfaUser),
    publicIp: throttle(limits, 'public-ip', config.throttle.publicIp),
    inboundToken: throttle(limits, 'inbound-token', config.throttle.inboundToken),
  };
  const tenantAddons = new TenantAddons(rt);
  const tenants = new Tenants(rt);
  const sessions = new Sessions(rt);
  const mfa = new Mfa(rt);
  sessions.mfa = mfa;
  const apiKeys = new ApiKeys();
  const automation = new AutomationEngine(rt, queues.redis);
  const views = new SavedViews(addons);
  const schemas = new SchemaCache(
    addons,
    tenantAddons,
    { mfa, apiKeys, automation: { rt, engine: automation } },
    views,
  );
  const relay = new OutboxRelay(rt, queues);
  const live = new LiveHub(rt);
  const schedules = new Schedules(rt, queues.jobs);
  const workers = new Workers(rt, schedules);
  rt.eventSinks.push((event) => automation.onEvent(event));
  rt.wakeRelay = () => relay.wake();
  const mailTransport = createMailTransport(config, log);
  const sendMail = mailJob(rt, mailTransport);
  rt.kernelJobs.set(sendMail.name, sendMail);
  const deliverWebhook = webhookDeliveryJob(rt);
  rt.kernelJobs.set(deliverWebhook.name, deliverWebhook);
  const account = new Account(rt);
  const invitations = new Invitations(rt);
  const resetRequest = account.resetRequestJob();
  rt.kernelJobs.set(resetRequest.name, resetRequest);
  const privacy = privacyJob(rt);
  rt.kernelJobs.set(privacy.name, privacy);
  const digest = new NotificationDigest(rt);
  const digestJob = digest.job();
  rt.kernelJobs.set(digestJob.name, digestJob);
  const cfIndexes = customFieldIndexJob(rt);
  rt.kernelJobs.set(cfIndexes.name, cfIndexes);
  const exportsService = new Exports(rt);
  rt.kernelJobs.set(EXPORT_JOB, exportsService.job());
  if (config.env === 'production' && !config.smtpUrl)
    log.warn('SMTP_URL is not set: mails are written to the log, not sent');
  rt.syncSchedules = (tenantId) => schedules.sync(tenantId);
  const changes = new AddonChangeBus(rt, queues.redis);
  rt.onAddonsChanged = (tenantId) => changes.publish(tenantId);

  /** The SvelteKit build, when configured or found (config.webBuildDir). */
  const webApp = async () => {
    if (!config.webBuildDir) return null;
    const root = findWorkspaceRoot();
    const auto = config.webBuildDir === 'auto';
    const dir = auto
      ? join(root, 'web', 'build')
      : isAbsolute(config.webBuildDir)
        ? config.webBuildDir
        : resolve(root, config.webBuildDir);
    const handler = await loadWebHandler(dir, WEB_HANDLER_OPTIONS);
    if (!handler && !auto)
      throw new Error(
        `WEB_BUILD_DIR=${config.webBuildDir}: no handler.js in ${dir} (run pnpm --filter @elevate/web build)`,
      );
    if (!handler) log.warn({ dir }, 'no web app build: serving the APIs only (pnpm --filter @elevate/web build)');
    return handler;
  };

  // The routers the app mounts, built once: listen() serves them, routes() lists them.
  let routers: {
    health: Router<State>;
    auth: Router<State>;
    core: Router<State>;
    api: Router<State>;
    accountPublic: Router<State>;
    accountCore: Router<State>;
    addons: Map<string, Router<State>>;
    addonsPublic: Map<string, Router<State>>;
    documentFiles: Router<State>;
    automationInbound: Router<State>;
  };
  let securityMounted = false;
  const documents = new Map<string, OpenApiDocument>();
  const openapi = (enabled: ReadonlySet<string>, opts: { server?: string; only?: string } = {}) => {
    const key = JSON.stringify([[...enabled].sort(), opts.server ?? null, opts.only ?? null]);
    let doc = documents.get(key);
    if (!doc) {
      doc = buildOpenApi(kernel.routes(), addons, enabled, { version: PLATFORM_VERSION, ...opts });
      // Bounded: one entry per addon set and origin actually seen.
      if (documents.size > 256) documents.clear();
      documents.set(key, doc);
    }
    return doc;
  };
  const http = () => {
    routers ??= {
      health: healthRoutes(rt, queues.redis),
      auth: authRoutes(tenants, sessions, { throttles, signup: config.signup, audited: loginAudit(rt) }),
      core: coreRoutes(rt, tenantAddons, queues, live, automation, views),
      api: apiDescriptionRoutes(
        (enabled, server) => openapi(enabled, { server }),
        (enabled) => schemas.sdl(enabled),
      ),
      accountPublic: accountPublicRoutes(queues, account, invitations, sessions, {
        ip: throttles.accountIp,
        key: throttles.accountKey,
      }),
      accountCore: accountCoreRoutes(account, invitations),
      addons: new Map(addons.filter((a) => a.rest).map((a) => [a.id, addonRouter(a, opts.lazyValidators)] as const)),
      documentFiles: exportFileRoutes(rt, exportsService, documentFileRoutes(rt)),
      automationInbound: automationInboundRoutes(rt, automation, throttles.inboundToken),
      addonsPublic: new Map(
        addons.flatMap((a) => {
          const r = a.rest ? addonPublicRouter(a, rt, throttles.publicIp) : null;
          return r ? [[a.id, r] as const] : [];
        }),
      ),
    };
    if (!securityMounted) {
      // API keys, sessions, MFA (http/security.routes.ts) ride on the account routers.
      mfaPublicRoutes(routers.accountPublic, sessions, mfa, throttles.mfaUser);
      securityCoreRoutes(routers.accountCore, { apiKeys, mfa, sessions });
      securityMounted = true;
    }
    return routers;
  };
  const layers = (r: Router<State>) =>
    r.stack.flatMap((l) =>
      l.methods.filter((m) => m !== 'HEAD').map((m) => ({ method: m as RouteInfo['method'], path: l.path as string })),
    );

  let server: Server | null = null;
  let stopping: Promise<void> | null = null;
  let relayStarted = false;
  let workersStarted = false;
  const startBackground = async (withWorkers: boolean) => {
    changes.start();
    if (!relayStarted) {
      relay.start();
      relayStarted = true;
    }
    if (withWorkers && !workersStarted) {
      workers.start();
      automation.start();
      workersStarted = true;
      // Job schedulers live in Redis; this repairs what a change missed while Redis was down.
      await schedules
        .reconcile()
        .catch((err) => log.warn({ err: String(err) }, 'job schedulers not reconciled; will retry at next start'));
    }
  };

  const kernel: KernelInternals = {
    config,
    log,
    addons,
    container: rt.services.container,
    runtime: rt,
    schemas,
    relay,
    live,
    tenantAddonService: tenantAddons,
    automation,
    digest,

    routes() {
      const h = http();
      const out: RouteInfo[] = [];
      for (const r of [
        h.health,
        h.accountPublic,
        h.auth,
        h.documentFiles,
        h.automationInbound,
        h.core,
        h.accountCore,
        h.api,
      ]) {
        for (const l of layers(r)) {
          const key = `${l.method} ${l.path}`;
          const doc =
            kernelRouteDocs[key] ??
            accountRouteDocs[key] ??
            adminRouteDocs[key] ??
            securityRouteDocs[key] ??
            privacyRouteDocs[key] ??
            exportRouteDocs[key] ??
            moneyRouteDocs[key] ??
            customFieldRouteDocs[key] ??
            preferencesRouteDocs[key] ??
            viewsRouteDocs[key] ??
            documentRouteDocs[key] ??
            automationRouteDocs[key] ??
            commentRouteDocs[key];
          const body = authBodies[l.path.replace('/api/v1/auth', '')] ?? doc?.body;
          out.push({
            ...l,
            addon: null,
            ...(body ? { body } : {}),
            ...(doc?.summary ? { summary: doc.summary } : {}),
            ...(doc?.permission ? { permission: doc.permission } : {}),
            ...(doc?.responses ? { responses: doc.responses } : {}),
            ...(doc?.public ? { public: true } : {}),
          });
        }
      }
      for (const a of addons) {
        if (!a.rest) continue;
        for (const d of collectRoutes(a)) {
          out.push({
            method: d.method,
            path: `/api/v1/${a.id}${d.path}`,
            addon: a.id,
            ...(d.options.query ? { query: d.options.query } : {}),
            ...(d.options.body ? { body: d.options.body } : {}),
            ...(d.options.bodyType ? { bodyType: d.options.bodyType } : {}),
            ...(d.options.summary ? { summary: d.options.summary } : {}),
            ...(d.options.permission ? { permission: d.options.permission } : {}),
            ...(d.options.responses ? { responses: d.options.responses } : {}),
            ...(d.public ? { public: true } : {}),
          });
        }
      }
      return out;
    },

    openapi,

    async migrate(opts = {}) {
      let at = performance.now();
      const step = (name: MigrateStep) => {
        const now = performance.now();
        opts.onStep?.(name, now - at);
        at = now;
      };
      const only = opts.only ? new Set(opts.only) : null;
      const mine = only ? addons.filter((a) => only.has(a.id)) : addons;
      const owners = only ? migrationOwners(mine).filter((o) => only.has(o.id)) : migrationOwners(addons);
      const ran = owners.length ? await runMigrations(config, owners, log) : [];
      const applied = ran.some((r) => r.applied.length > 0);
      step('migrations');
      // A model changed without its generated migration: refuse, naming the command to run.
      await checkModelTables(pools.owner, addons);
      step('model check');
      // Tables only come with migrations: with none applied to a database migrated before, the
      // grants and triggers are in place.
      if (applied || !only) {
        await ensureAppRole(pools.owner, config);
        step('grants');
        // Every tenant table of the core and of every addon gets the audit trigger.
        await attachAuditTriggers(
          pools.owner,
          new Set(
            addons
              .flatMap((a) => a.models)
              .filter((m) => !m.audited)
              .map((m) => m.table),
          ),
        );
        step('audit triggers');
      }
      // Deleting a commentable record deletes its comments in the same statement.
      await attachCommentPurge(pools.owner, addons);
      step('comment purge');
      // Addons whose tenants are not all at the deployed version yet (new version, or an
      // upgrade that failed for some tenant last time): only these need the per-tenant scan.
      const stale = new Set<string>();
      for (const addon of mine) {
        const row = await pools.owner.query<{ version: string; tenants_version: string | null }>(
          'select version, tenants_version from core_addon_install where addon_id = $1',
          [addon.id],
        );
        if (row.rows[0]?.tenants_version !== addon.version) stale.add(addon.id);
        if (row.rows[0]?.version === addon.version) continue;
        if (!row.rows[0]) {
          await addon.lifecycle.install?.({
            query: async (sql, params) => (await pools.owner.query(sql, params as unknown[])).rows,
          });
        }
        await pools.owner.query(
          `insert into core_addon_install (addon_id, version) values ($1, $2)
           on conflict (addon_id) do update set version = excluded.version, upgraded_at = now()`,
          [addon.id, addon.version],
        );
      }
      step('install');
      if (stale.size === 0) return;
      const failed = new Set((await tenantAddons.upgradeAll(stale)).filter((r) => r.error).map((r) => r.addon));
      for (const addon of mine) {
        if (!stale.has(addon.id) || failed.has(addon.id)) continue;
        await pools.owner.query('update core_addon_install set tenants_version = $2 where addon_id = $1', [
          addon.id,
          addon.version,
        ]);
      }
    },

    async listen() {
      const h = http();
      const addonRouters = new Map(
        [...h.addons].map(([id, r]) => [id, r.routes() as unknown as Koa.Middleware<State>] as const),
      );
      const web = await webApp();
      const app = createApp({
        log,
        health: h.health,
        auth: h.auth,
        authenticate: authenticate(rt, throttles.api),
        core: h.core,
        api: h.api,
        docs: apiDocsPages(),
        account: { public: h.accountPublic, core: h.accountCore, afterSignup: verifyAfterSignup(rt, account) },
        addonRouters,
        addonPublicRouters: h.addonsPublic,
        documentFiles: h.documentFiles,
        automationInbound: h.automationInbound,
        graphql: graphqlMiddleware(schemas, log),
        web,
        security: { trustProxy: config.trustProxy, corsOrigins: config.corsOrigins },
      });
      await live.start();
      await startBackground(config.workers);
      server = app.listen(config.port, config.host);
      await new Promise<void>((resolve, reject) => {
        server?.once('listening', resolve);
        server?.once('error', reject);
      });
      const { port } = server.address() as AddressInfo;
      const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
      // The web app's server side calls this process's API at this address.
      process.env.ELEVATE_API_URL ||= url;
      // ...and vouches for the browser's address with this key (http/throttle.ts clientIp).
      process.env[FORWARD_KEY_ENV] ||= randomBytes(24).toString('base64url');
      log.info({ url, addons: addons.map((a) => `${a.id}@${a.version}`) }, 'listening');
      return { url, web: web !== null };
    },

    async startWorkers() {
      await startBackground(true);
    },

    stop() {
      // Idempotent: a signal handler and a test may both ask.
      stopping ??= (async () => {
        if (server) {
          const s = server;
          server = null;
          await live.stop();
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
            setTimeout(() => s.closeAllConnections(), 5000).unref();
          });
        }
        changes.stop();
        await relay.stop();
        await workers.stop();
        await automation.stop();
        mailTransport.close();
        await queues.close();
        await pools.close();
        await orm.close();
      })();
      return stopping;
    },

    tenants: {
      create: (input) => tenants.create(input),
      bySlug: (slug) => rt.tenantBySlug(slug),
      list: () => tenants.list(),
    },
    users: { create: (tenantId, input) => tenants.createUser(tenantId, input) },
    tenantAddons: {
      list: (tenantId) => tenantAddons.list(tenantId),
      enable: (tenantId, id) => tenantAddons.enable(tenantId, id),
      disable: (tenantId, id) => tenantAddons.disable(tenantId, id),
    },

    seedDemo: () => seedDemo(rt, tenants, tenantAddons),
    syncCustomFieldIndexes: () => syncCustomFieldIndexes(pools.owner, optedInModels(addons)),
    runJob: (name, tenantId, data) => workers.runNow(name, tenantId, data),
  };
  return kernel;
}
