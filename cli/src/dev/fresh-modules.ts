// Re-imports only the addons that changed. A spare kernel process imports every addon while it
// waits; on go, the files of the changed addons (and of the addons depending on them) resolve to
// new module URLs (`?elevate-dev=1`), so they are evaluated again from disk, while the others and
// the SDK are the modules already loaded. A module hook does the renaming (Node's module.register).
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, type MessagePort } from 'node:worker_threads';

const HOOK = `
let dirty = [];
export function initialize({ port }) {
  port.on('message', (m) => { dirty = m; port.postMessage('ok'); });
  port.unref();
}
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (!dirty.length || !r.url.startsWith('file:') || r.url.includes('elevate-dev=')) return r;
  const dir = dirty.find((d) => r.url.startsWith(d));
  // An addon's own node_modules (its installed SDK...) stays the one module everybody shares.
  if (!dir || r.url.slice(dir.length).includes('node_modules/')) return r;
  return { ...r, url: r.url + (r.url.includes('?') ? '&' : '?') + 'elevate-dev=1' };
}
`;

let port: MessagePort | null = null;

/** Registers the hook (once per process, before the addons are first imported). */
export function installFreshModules(): void {
  const channel = new MessageChannel();
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, {
    data: { port: channel.port2 },
    transferList: [channel.port2],
  });
  port = channel.port1;
  port.unref();
}

/** From now on, modules under these folders (real paths) load afresh. */
export function freshFrom(dirs: readonly string[]): Promise<void> {
  const p = port;
  if (!p) throw new Error('installFreshModules() first');
  const prefixes = dirs.map((d) => `${pathToFileURL(d).href}/`);
  return new Promise((resolve) => {
    p.once('message', () => resolve());
    p.postMessage(prefixes);
  });
}
