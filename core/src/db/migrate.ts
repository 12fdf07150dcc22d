import type { AnyAddon, MigrationClass } from '@elevate/sdk';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { Config } from '../config/config.ts';
import type { Log } from '../logger.ts';
import { CoreInit0001 } from '../migrations/core-0001-init.ts';
import { CoreTeams0002 } from '../migrations/core-0002-teams.ts';
import { CoreBranding0003 } from '../migrations/core-0003-branding.ts';
import { CoreAddonTenantsVersion0004 } from '../migrations/core-0004-addon-tenants-version.ts';
import { CoreOutboxRunAt0005 } from '../migrations/core-0005-outbox-run-at.ts';
import { CoreTenantServices0006 } from '../migrations/core-0006-tenant-services.ts';
import { CoreLiveSessionIndex0007 } from '../migrations/core-0007-live-session-index.ts';
import { CoreMail0007 } from '../migrations/core-0007-mail.ts';
import { CoreAudit0008 } from '../migrations/core-0008-audit.ts';
import { CoreUsersAdmin0008 } from '../migrations/core-0008-users-admin.ts';
import { CoreKeys0009 } from '../migrations/core-0009-keys.ts';
import { CorePrivacy0010 } from '../migrations/core-0010-privacy.ts';
import { CoreWebhooks0011 } from '../migrations/core-0011-webhooks.ts';
import { CoreNotifications0012 } from '../migrations/core-0012-notifications.ts';
import { CoreMoney0013 } from '../migrations/core-0013-money.ts';
import { CoreDocuments0014 } from '../migrations/core-0014-documents.ts';
import { CoreAutomation0015 } from '../migrations/core-0015-automation.ts';
import { CoreIdentity0016 } from '../migrations/core-0016-identity.ts';
import { CoreComments0017 } from '../migrations/core-0017-comments.ts';
import { CoreAutomationInbound0018 } from '../migrations/core-0018-automation-inbound.ts';
import { CoreSavedViews0019 } from '../migrations/core-0019-saved-views.ts';
import { CoreCustomFields0020 } from '../migrations/core-0020-custom-fields.ts';
import { CoreSearchExports0021 } from '../migrations/core-0021-search-exports.ts';
import { CoreMailAttachments0023 } from '../migrations/core-0023-mail-attachments.ts';
import { CoreCommentTeamsWindow0024 } from '../migrations/core-0024-comment-teams-window.ts';
import { CoreUserLanguage0025 } from '../migrations/core-0025-user-language.ts';
import { quoteIdent, quoteLiteral } from './pools.ts';

export const coreMigrations: readonly MigrationClass[] = [
  CoreInit0001,
  CoreTeams0002,
  CoreBranding0003,
  CoreAddonTenantsVersion0004,
  CoreOutboxRunAt0005,
  CoreTenantServices0006,
  CoreMail0007,
  CoreLiveSessionIndex0007,
  CoreUsersAdmin0008,
  CoreAudit0008,
  CoreKeys0009,
  CorePrivacy0010,
  CoreWebhooks0011,
  CoreNotifications0012,
  CoreMoney0013,
  CoreDocuments0014,
  CoreAutomation0015,
  CoreIdentity0016,
  CoreComments0017,
  CoreAutomationInbound0018,
  CoreSavedViews0019,
  CoreCustomFields0020,
  CoreSearchExports0021,
  CoreMailAttachments0023,
  CoreCommentTeamsWindow0024,
  CoreUserLanguage0025,
];

/** Tables the app role may add to and read, never change: the audit log is append-only. */
const APPEND_ONLY: ReadonlySet<string> = new Set(['core_audit']);

function trackingTable(owner: string): string {
  return `mikro_orm_migrations_${owner.replace(/[^a-z0-9_]/g, '_')}`;
}

/**
 * Runs MikroORM migrations owned by one addon (or the core): each owner has its own
 * migration list and tracking table, so addons never see each other's history.
 */
export async function runMigrations(
  config: Config,
  owners: { id: string; migrations: readonly MigrationClass[] }[],
  log: Log,
): Promise<{ owner: string; applied: string[] }[]> {
  const orm = await MikroORM.init({
    clientUrl: config.databaseUrl,
    entities: [],
    discovery: { warnWhenNoEntities: false },
    debug: false,
    allowGlobalContext: true,
  });
  const results: { owner: string; applied: string[] }[] = [];
  try {
    for (const owner of owners) {
      if (owner.migrations.length === 0) continue;
      orm.config.set('migrations', {
        ...orm.config.get('migrations'),
        tableName: trackingTable(owner.id),
        migrationsList: owner.migrations.map((cls) => ({ name: migrationName(cls), class: cls })),
        snapshot: false,
        snapshotOnMigrate: false,
        silent: true,
        transactional: true,
        allOrNothing: true,
      });
      const migrator = new Migrator(orm.em);
      const applied = await migrator.up();
      if (applied.length) log.info({ owner: owner.id, applied: applied.map((m) => m.name) }, 'migrations applied');
      results.push({ owner: owner.id, applied: applied.map((m) => m.name) });
    }
  } finally {
    await orm.close(true);
  }
  return results;
}

/** The migrations of an owner (an addon or the core) its tracking table does not list yet. */
export async function pendingMigrations(
  owner: pg.Pool,
  id: string,
  migrations: readonly MigrationClass[],
): Promise<string[]> {
  if (migrations.length === 0) return [];
  const table = trackingTable(id);
  const exists = await owner.query('select to_regclass($1) as t', [table]);
  const names = migrations.map(migrationName);
  if (!exists.rows[0]?.t) return names;
  const done = await owner.query<{ name: string }>(`select name from ${quoteIdent(table)}`);
  const applied = new Set(done.rows.map((r) => r.name));
  return names.filter((n) => !applied.has(n));
}

function migrationName(cls: MigrationClass): string {
  // Class names can be mangled by bundlers; a `name` field on the instance is preferred.
  const probe = Object.create(cls.prototype) as { name?: string };
  return (probe.name && typeof probe.name === 'string' ? probe.name : undefined) ?? cls.name;
}

/** Creates the app role if missing and grants it data access (never ownership). */
export async function ensureAppRole(owner: pg.Pool, config: Config): Promise<void> {
  const role = config.appDbUser;
  const exists = await owner.query('select 1 from pg_roles where rolname = $1', [role]);
  if (exists.rowCount === 0) {
    try {
      await owner.query(
        `create role ${quoteIdent(role)} login password ${quoteLiteral(config.appDbPassword)} nosuperuser nobypassrls`,
      );
    } catch (err) {
      // Another process created it concurrently.
      if ((err as { code?: string }).code !== '23505' && (err as { code?: string }).code !== '42710') throw err;
    }
  }
  const db = (await owner.query<{ db: string }>('select current_database() as db')).rows[0]?.db ?? '';
  await owner.query(`grant connect on database ${quoteIdent(db)} to ${quoteIdent(role)}`);
  await owner.query(`grant usage on schema public to ${quoteIdent(role)}`);
  const tables = await owner.query<{ t: string }>(
    `select tablename as t from pg_tables where schemaname = 'public' and tablename not like 'mikro_orm_migrations%'`,
  );
  for (const { t } of tables.rows) {
    if (APPEND_ONLY.has(t)) {
      await owner.query(`revoke update, delete, truncate on ${quoteIdent(t)} from ${quoteIdent(role)}`);
      await owner.query(`grant select, insert on ${quoteIdent(t)} to ${quoteIdent(role)}`);
      continue;
    }
    await owner.query(`grant select, insert, update, delete on ${quoteIdent(t)} to ${quoteIdent(role)}`);
  }
  await owner.query(`grant usage, select on all sequences in schema public to ${quoteIdent(role)}`);
  // Addons' search functions (SECURITY DEFINER, revoked from PUBLIC by their migrations).
  await owner.query(`grant execute on all functions in schema public to ${quoteIdent(role)}`);
}

export function migrationOwners(addons: readonly AnyAddon[]): { id: string; migrations: readonly MigrationClass[] }[] {
  return [{ id: 'core', migrations: coreMigrations }, ...addons.map((a) => ({ id: a.id, migrations: a.migrations }))];
}
