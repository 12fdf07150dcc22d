// One kernel process of `elevate dev` (the hidden `dev-server` command). It loads the core and its
// libraries first — nearly all of a process's start-up — then waits, warm, until the supervisor
// says go. Only then does it import the addons, so it runs the code as it is at that moment, and
// the time from an edit to a new answer is the addons' import plus the kernel's own start (ms).
import { describeError } from '../errors.ts';
import type { Kernel } from '../runtime.ts';
import { keepAlive, loadCliConfig, startKernel } from '../runtime.ts';
import type { FromChild, ToChild } from './protocol.ts';

function send(msg: FromChild): void {
  process.send?.(msg);
}

export async function devServer(): Promise<void> {
  if (!process.send) throw new Error('dev-server runs under `elevate dev` only');
  keepAlive();
  await import('@elevate/core');
  let kernel: Kernel | null = null;
  const stop = async () => {
    await kernel?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => {}); // the supervisor decides; Ctrl+C reaches the whole group
  process.on('disconnect', () => void stop());
  process.on('message', async (msg: ToChild) => {
    if (msg.type === 'stop') return void stop();
    if (msg.type !== 'go') return;
    const cpu = process.cpuUsage();
    try {
      const config = await loadCliConfig({ port: 0, host: '127.0.0.1', webBuildDir: null });
      kernel = await startKernel(config);
      await kernel.migrate();
      const demo = msg.demo ? await kernel.seedDemo() : null;
      const { url } = await kernel.listen();
      const used = process.cpuUsage(cpu);
      send({
        type: 'ready',
        url,
        login: demo && { tenant: demo.tenant.slug, email: demo.email, password: demo.password },
        cpuMs: Math.round((used.user + used.system) / 1000),
      });
    } catch (err) {
      send({ type: 'failed', lines: describeError(err) });
      await kernel?.stop().catch(() => {});
      process.exit(1);
    }
  });
  send({ type: 'warm' });
}
