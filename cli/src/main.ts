// The `elevate` command: one file per command group under ./commands.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { registerAddonCommands } from './commands/addon.command.ts';
import { registerDevCommand } from './commands/dev.command.ts';
import { registerMigrateCommand } from './commands/migrate.command.ts';
import { registerSeedCommand } from './commands/seed.command.ts';
import { registerStartCommand } from './commands/start.command.ts';
import { registerTenantCommands } from './commands/tenant.command.ts';
import { registerUserCommands } from './commands/user.command.ts';
import { registerWorkerCommand } from './commands/worker.command.ts';
import { oneLine } from './errors.ts';
import { exit, fail, isLongRunning } from './runtime.ts';

const FOOTER = `
Examples:
  $ elevate start --demo                         run everything with a demo tenant
  $ elevate dev                                  the same, reloading addon code on save (web app by Vite)
  $ elevate tenant create --slug acme --name "Acme Inc" --owner-email ada@acme.test --owner-password 'secret-secret'
  $ elevate addon enable sales --tenant acme

Configuration comes from environment variables (DATABASE_URL, REDIS_URL, PORT, ...);
see README.md. Errors print one line; set DEBUG=1 for stack traces.
Run \`elevate <command> --help\` for a command's options.`;

export function buildProgram(): Command {
  const program = new Command('elevate')
    .description('ElevateCRM: run the platform, migrate, seed, manage tenants, users and addons')
    .version(pkg.version, '-v, --version', 'print the version')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError()
    .configureOutput({
      // Commander's own errors (unknown command, missing option) follow the same one-line format.
      outputError: (text, write) => write(`elevate: ${oneLine(text.replace(/^error:\s*/, ''))}\n`),
    })
    .addHelpText('after', FOOTER);
  registerStartCommand(program);
  registerDevCommand(program);
  registerMigrateCommand(program);
  registerSeedCommand(program);
  registerTenantCommands(program);
  registerUserCommands(program);
  registerAddonCommands(program);
  registerWorkerCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<void> {
  // Failures outside a command's own flow (a client library's stray rejection) get the same one-line report.
  process.on('uncaughtException', (err) => void fail(err));
  process.on('unhandledRejection', (err) => void fail(err));
  try {
    // A .env in the current folder fills in what the real environment does not set.
    if (existsSync('.env')) process.loadEnvFile('.env');
    await buildProgram().parseAsync([...argv]);
  } catch (err) {
    await fail(err);
  }
  // One-shot commands exit even if a client library left a handle open; servers keep running.
  if (!isLongRunning()) await exit(0);
}
