import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import { print } from '../output.ts';
import { withKernel } from '../runtime.ts';

async function seed(opts: { demo?: boolean }): Promise<void> {
  if (!opts.demo) throw new CliError('nothing to seed: pass --demo');
  await withKernel(async (kernel) => {
    const demo = await kernel.seedDemo();
    print(`Demo tenant "${demo.tenant.slug}" (${demo.tenant.name}) is ready with every addon enabled.`);
    print(`  Email:     ${demo.email}`);
    print(`  Password:  ${demo.password}`);
  });
}

export function registerSeedCommand(program: Command): void {
  program
    .command('seed')
    .description('create (or reuse) the demo tenant with every installed addon enabled and sample data')
    .option('--demo', 'seed the demo tenant')
    .addHelpText(
      'after',
      `
Run \`elevate migrate\` first.

Examples:
  $ elevate seed --demo`,
    )
    .action(seed);
}
