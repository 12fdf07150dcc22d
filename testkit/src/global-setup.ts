// Vitest global setup: names this test run so that the test kernels of all its files copy their
// databases from migrated templates (./template-db.ts) instead of migrating each one, and drops
// the run's templates when it ends. Use it in vitest.config.ts: `globalSetup: ['@elevate/testkit/global-setup']`.
import { randomBytes } from 'node:crypto';
import { dropTemplates, TEMPLATE_RUN_ENV } from './template-db.ts';

const ADMIN_URL = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function setup(): Promise<() => Promise<void>> {
  // ELEVATE_TEST_TEMPLATES=0: migrate every database (to compare, or to test the migrations' speed).
  if (process.env[TEMPLATE_RUN_ENV] === '0') return async () => {};
  const run = randomBytes(6).toString('hex');
  // Read by the workers, which inherit this process's environment.
  process.env[TEMPLATE_RUN_ENV] = run;
  return async () => {
    await dropTemplates(ADMIN_URL, run);
  };
}
