#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (a root devDependency): no build step.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

if (Number(process.versions.node.split('.')[0]) < 24) {
  process.stderr.write(
    `elevate: Node ${process.versions.node} is too old (24 or newer is needed); run ./elevate, which brings its own\n`,
  );
  process.exit(1);
}

// Run from any folder: outside a workspace the CLI works on the checkout it belongs to, and
// relative ADDON_PATHS mean what they say from where the command was typed.
const checkout = fileURLToPath(new URL('../../', import.meta.url));
if (!process.env.ELEVATE_ROOT && existsSync(resolve(checkout, 'pnpm-workspace.yaml')))
  process.env.ELEVATE_ROOT = checkout;
if (process.env.ADDON_PATHS) {
  process.env.ADDON_PATHS = process.env.ADDON_PATHS.split(',')
    .filter(Boolean)
    .map((p) => (isAbsolute(p) ? p : resolve(process.cwd(), p)))
    .join(',');
}

const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/main.ts');
await main(process.argv);
