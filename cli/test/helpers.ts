// What the CLI's end-to-end tests share: running a command as a child process, and removing the
// Redis keys the child processes created under a test file's prefix.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export interface RunResult {
  code: number | null;
  out: string;
  ms: number;
}

/** Runs a command to its end; stdout and stderr interleaved in `out`. Not under Vitest's own env. */
export function run(
  cmd: string,
  args: string[],
  cwd: string,
  extraEnv: Record<string, string> = {},
): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...extraEnv };
    delete env.VITEST;
    // A scaffold's first test run writes its API snapshots, as on a developer's machine.
    delete env.CI;
    delete env.NODE_ENV;
    const child = spawn(cmd, args, { cwd, env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, ms: performance.now() - started }));
  });
}

interface RedisClient {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}

/** Removes the queues child processes created under this prefix (ioredis comes with the core). */
export async function dropRedisKeys(prefix: string): Promise<void> {
  const require = createRequire(import.meta.resolve('@elevate/core'));
  const { Redis } = require('ioredis') as { Redis: new (url: string) => RedisClient };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}
