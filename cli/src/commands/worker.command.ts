import type { Command } from 'commander';
import { print } from '../output.ts';
import { checkReachable } from '../preflight.ts';
import { keepAlive, loadCliConfig, startKernel, stopOnSignals } from '../runtime.ts';

async function worker(): Promise<void> {
  const config = await loadCliConfig({ workers: true });
  await checkReachable(config.redisUrl, 6379);
  const kernel = await startKernel(config);
  try {
    await kernel.startWorkers();
  } catch (err) {
    await kernel.stop().catch(() => {});
    throw err;
  }
  keepAlive();
  stopOnSignals(kernel, 'the workers');
  print(`Workers and the outbox relay are running (Redis prefix "${config.redisPrefix}"). Press Ctrl+C to stop.`);
}

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('run the outbox relay and the job workers only (no HTTP); does not migrate')
    .addHelpText(
      'after',
      `
Run \`elevate migrate\` before, and as many workers as you like beside \`elevate start --no-workers\`.

Examples:
  $ elevate worker`,
    )
    .action(worker);
}
