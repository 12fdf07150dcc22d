#!/usr/bin/env node
// In a checkout this runs the TypeScript sources; the published package runs its compiled dist/.
// tsx is registered either way: addons are TypeScript, and Node does not strip types inside
// node_modules (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), where a third-party addon lives.
import { existsSync, readFileSync } from 'node:fs';
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
const paths = (process.env.ADDON_PATHS ?? '')
  .split(',')
  .filter(Boolean)
  .map((p) => (isAbsolute(p) ? p : resolve(process.cwd(), p)));
// Run from an addon's own folder, the CLI loads that addon too: its package's scripts can say
// `elevate dev` or `elevate addon migration <id>` with no ADDON_PATHS. (Not a workspace addon: the
// workspace already has it.)
const here = resolve(process.cwd(), 'package.json');
const workspaceAddon =
  process.env.ELEVATE_ROOT && process.cwd().startsWith(resolve(process.env.ELEVATE_ROOT, 'addons'));
if (existsSync(here) && !workspaceAddon && !paths.includes(process.cwd())) {
  try {
    if (JSON.parse(readFileSync(here, 'utf8')).elevate?.addon === true) paths.push(process.cwd());
  } catch {
    // not JSON: not an addon
  }
}
if (paths.length) process.env.ADDON_PATHS = paths.join(',');

const { register } = await import('tsx/esm/api');
register();
const source = new URL('../src/main.ts', import.meta.url);
const { main } = await import(existsSync(source) ? source.href : new URL('../dist/main.js', import.meta.url).href);
await main(process.argv);
