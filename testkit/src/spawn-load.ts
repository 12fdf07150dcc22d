import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';

export { type LoadResult, load } from './load.ts';

const child = fileURLToPath(new URL('./load-child.ts', import.meta.url));

/** Drives load from a separate Node process (see load-child.ts for the spec). */
export function spawnLoad(spec: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', child, JSON.stringify(spec)],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) reject(err);
        else resolve(JSON.parse(stdout) as LoadResult);
      },
    );
  });
}
