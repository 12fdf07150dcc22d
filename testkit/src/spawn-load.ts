import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadResult } from './load.ts';

export { type LoadResult, load } from './load.ts';

// The published package runs compiled JavaScript (no tsx needed); the workspace runs the sources.
const compiled = import.meta.url.endsWith('.js');
const child = fileURLToPath(new URL(compiled ? './load-child.js' : './load-child.ts', import.meta.url));

/** Drives load from a separate Node process (see load-child.ts for the spec). */
export function spawnLoad(spec: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...(compiled ? [] : ['--import', 'tsx']), child, JSON.stringify(spec)],
      { maxBuffer: 1 << 20 },
      (err, stdout) => {
        if (err) reject(err);
        else resolve(JSON.parse(stdout) as LoadResult);
      },
    );
  });
}
