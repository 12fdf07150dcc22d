// Fresh databases from a migrated template: running every migration of the core and the addons
// takes seconds per database, copying a migrated one (CREATE DATABASE ... TEMPLATE) a fraction of
// one. Templates exist only within one test run: the run's global setup (testkit/src/vitest-setup.ts)
// names the run in ELEVATE_TEST_TEMPLATES and drops that run's templates at its end; without it
// (a script, another runner) every database is created empty and migrated as before.
import { createHash } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_RUN_ENV = 'ELEVATE_TEST_TEMPLATES';
const PREFIX = 'elevate_tpl_';

/** The prefix of one run's template databases. */
export const templatePrefix = (run: string) => `${PREFIX}${run.replace(/\W/g, '').slice(0, 16)}_`;

async function withAdmin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Creates `name`, as a copy of this run's template for `key` when the run has templates (building
 * the template first with `build`, which must migrate the database at the URL it is given and
 * close every connection to it), or empty otherwise. Returns whether the copy came migrated.
 */
export async function createTestDatabase(
  adminUrl: string,
  name: string,
  key: string,
  build: (templateUrl: string) => Promise<void>,
): Promise<{ migrated: boolean }> {
  const run = process.env[TEMPLATE_RUN_ENV];
  if (!run || run === '0') {
    await withAdmin(adminUrl, (c) => c.query(`create database ${name}`));
    return { migrated: false };
  }
  const template = `${templatePrefix(run)}${createHash('sha1').update(key).digest('hex').slice(0, 16)}`;
  await withAdmin(adminUrl, async (c) => {
    // One builder per template across the run's workers; the others wait for it here.
    await c.query('select pg_advisory_lock(hashtext($1))', [template]);
    try {
      const exists = await c.query('select 1 from pg_database where datname = $1', [template]);
      if (exists.rowCount === 0) {
        await c.query(`create database ${template}`);
        const url = new URL(adminUrl);
        url.pathname = `/${template}`;
        try {
          await build(url.toString());
        } catch (err) {
          await c.query(`drop database if exists ${template} with (force)`);
          throw err;
        }
      }
    } finally {
      await c.query('select pg_advisory_unlock(hashtext($1))', [template]);
    }
    // A copy needs the template free of sessions; a closing one may linger for a moment.
    for (let i = 0; ; i++) {
      try {
        await c.query(`create database ${name} template ${template}`);
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== '55006' || i >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
  return { migrated: true };
}

/** Drops every template database of `run` (the run's global teardown). */
export async function dropTemplates(adminUrl: string, run: string): Promise<void> {
  await withAdmin(adminUrl, async (c) => {
    const rows = await c.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [
      templatePrefix(run),
    ]);
    for (const { datname } of rows.rows) await c.query(`drop database if exists ${datname} with (force)`);
  });
}
