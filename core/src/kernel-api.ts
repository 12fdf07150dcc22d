import type { AnyAddon, SeededRole, TenantInfo, UserInfo } from '@elevate/sdk';
import type { Config } from './config/config.ts';
import type { Log } from './logger.ts';

/** A role a user can be created with: the seeded roles. */
export type RoleKey = SeededRole;

export interface AddonStatus {
  id: string;
  title: string;
  description: string;
  category: string;
  icon: string | null;
  /** The version of the code this deployment runs. */
  version: string;
  /** Enabled for this tenant? */
  enabled: boolean;
  /** The version recorded when it was last enabled/upgraded for this tenant (null if never). */
  tenantVersion: string | null;
  depends: { id: string; range: string }[];
  /** Enabled addons that need this one (disabling is refused while any is enabled). */
  requiredBy: string[];
}

export interface CreateTenantInput {
  slug: string;
  name: string;
  ownerEmail: string;
  ownerPassword: string;
  ownerName?: string;
}

export interface MigrateOptions {
  /**
   * Only these addons' migrations, install hooks and upgrades (`elevate dev`: those whose
   * migrations, models or version changed since it last migrated this database). The model check
   * still covers every addon; the grants and audit triggers run when a migration was applied.
   * Omitted: everything (what `elevate migrate` and `start` do).
   */
  only?: readonly string[];
  /** Called after each step with its wall time (`elevate dev` prints them per reload). */
  onStep?: (step: MigrateStep, ms: number) => void;
}

export type MigrateStep = 'migrations' | 'model check' | 'grants' | 'audit triggers' | 'comment purge' | 'install';

/** The running platform, as the CLI, the test kit and the HTTP layer use it. */
export interface Kernel {
  readonly config: Config;
  readonly log: Log;
  /** Every addon this deployment knows (discovered or given), in dependency order. */
  readonly addons: readonly AnyAddon[];
  /** Run core + addon migrations, grant the app role, run install hooks. Idempotent. */
  migrate(opts?: MigrateOptions): Promise<void>;
  /** Start HTTP (and the outbox relay, and workers when config.workers). */
  /** `web`: whether the web app (a SvelteKit build, WEB_BUILD_DIR) is served for non-API paths. */
  listen(): Promise<{ url: string; web: boolean }>;
  /** Start only the outbox relay and the job workers (the `elevate worker` process). */
  startWorkers(): Promise<void>;
  /** Graceful: stop accepting, finish in-flight requests and jobs, close pools. */
  stop(): Promise<void>;
  tenants: {
    create(input: CreateTenantInput): Promise<{ tenant: TenantInfo; owner: UserInfo }>;
    bySlug(slug: string): Promise<TenantInfo | null>;
    list(): Promise<TenantInfo[]>;
  };
  users: {
    create(
      tenantId: string,
      input: { email: string; password: string; name?: string; role: RoleKey },
    ): Promise<UserInfo>;
  };
  tenantAddons: {
    list(tenantId: string): Promise<AddonStatus[]>;
    /** Enables dependencies first; returns the ids that were newly enabled, in order. */
    enable(tenantId: string, addonId: string): Promise<{ enabled: string[] }>;
    /** Refused (AppError ADDON_REQUIRED) while an enabled addon depends on it. Data is kept. */
    disable(tenantId: string, addonId: string): Promise<void>;
  };
  /** Creates (or reuses) the demo tenant with every installed addon enabled. */
  seedDemo(): Promise<{ tenant: TenantInfo; email: string; password: string }>;
}
