import type { Command } from 'commander';
import { ensureDatabase } from '../database.ts';
import { print } from '../output.ts';
import { loadCliConfig, withKernel } from '../runtime.ts';

async function migrate(): Promise<void> {
  const config = await loadCliConfig({}, true);
  if (await ensureDatabase(config.databaseUrl)) print('Created the database.');
  await withKernel(async (kernel) => {
    await kernel.migrate();
    const ids = kernel.addons.map((a) => a.id);
    print(`Database is up to date (core${ids.length ? ` + ${ids.join(', ')}` : ''}).`);
  });
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('create the database if missing, run core and addon migrations, run install hooks (idempotent)')
    .addHelpText(
      'after',
      `
Examples:
  $ elevate migrate
  $ DATABASE_URL=postgres://postgres@db:5432/elevate elevate migrate`,
    )
    .action(migrate);
}
