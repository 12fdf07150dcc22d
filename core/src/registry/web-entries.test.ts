// The web build finds addon pages through each addon package's exports["./web"], wherever the
// kernel finds the package: the workspace, node_modules, or a folder named in ADDON_PATHS.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverWebEntries } from './web-entries.ts';

const base = mkdtempSync(join(tmpdir(), 'elevate-web-entries-'));
const root = join(base, 'platform');
const outside = join(base, 'elsewhere'); // not under the platform's folder at all
afterAll(() => rmSync(base, { recursive: true, force: true }));

function addon(dir: string, id: string, exports: Record<string, unknown>) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `pkg-${id}`, exports, elevate: { addon: true } }));
  writeFileSync(
    join(dir, 'index.mjs'),
    `export const a = { kind: 'addon', id: '${id}', version: '1.0.0', depends: [] };`,
  );
}

mkdirSync(root, { recursive: true });
writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
addon(join(root, 'addons', 'crm_folder'), 'crm', { '.': './index.mjs', './web': './web/index.ts' });
addon(join(root, 'addons', 'api_only'), 'api_only', { '.': './index.mjs' });
addon(join(root, 'node_modules', '@acme', 'loyalty'), 'loyalty', {
  '.': './index.mjs',
  './web': { import: './dist/web.js' },
});
addon(join(outside, 'guestbook'), 'guestbook', { '.': './index.mjs', './web': './web/index.ts' });

describe('discoverWebEntries', () => {
  it('lists the web entries of workspace and installed addons, by addon id (not folder name)', async () => {
    expect(await discoverWebEntries(root)).toEqual([
      {
        id: 'crm',
        name: 'pkg-crm',
        dir: join(root, 'addons', 'crm_folder'),
        file: join(root, 'addons', 'crm_folder', 'web', 'index.ts'),
      },
      {
        id: 'loyalty',
        name: 'pkg-loyalty',
        dir: join(root, 'node_modules', '@acme', 'loyalty'),
        file: join(root, 'node_modules', '@acme', 'loyalty', 'dist', 'web.js'),
      },
    ]);
  });

  it('adds an addon that only ADDON_PATHS reaches, outside the workspace', async () => {
    const ids = async (extra: string[]) => (await discoverWebEntries(root, extra)).map((e) => e.id);
    expect(await ids([])).not.toContain('guestbook');
    expect(await ids([outside])).toEqual(['crm', 'guestbook', 'loyalty']);
    expect((await discoverWebEntries(root, [join(outside, 'guestbook')])).find((e) => e.id === 'guestbook')?.file).toBe(
      join(outside, 'guestbook', 'web', 'index.ts'),
    );
  });
});
