import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverAddons, findWorkspaceRoot } from './discover.ts';

const root = mkdtempSync(join(tmpdir(), 'elevate-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function pkg(dir: string, json: object, entry: string | null) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify(json));
  if (entry !== null) writeFileSync(join(dir, 'index.mjs'), entry);
}
const addonSource = (id: string, exportName = id) =>
  `export const ${exportName} = { kind: 'addon', id: '${id}', version: '1.0.0', depends: [] };`;

writeFileSync(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
pkg(
  join(root, 'addons', 'crm'),
  { name: 'crm', exports: { '.': './index.mjs' }, elevate: { addon: true } },
  addonSource('crm'),
);
pkg(
  join(root, 'node_modules', '@acme', 'loyalty'),
  { name: '@acme/loyalty', exports: './index.mjs', elevate: { addon: true, export: 'loyalty' } },
  `${addonSource('loyalty')}\nexport const other = { kind: 'addon', id: 'decoy' };`,
);
pkg(join(root, 'node_modules', 'left-pad'), { name: 'left-pad', main: 'index.mjs' }, 'export const x = 1;');

describe('discoverAddons', () => {
  it('finds workspace addons and installed packages that declare themselves addons', async () => {
    const found = await discoverAddons(root);
    expect(found.map((a) => a.id).sort()).toEqual(['crm', 'loyalty']);
  });

  it('finds the workspace root from a folder inside it', () => {
    expect(findWorkspaceRoot(join(root, 'addons', 'crm'))).toBe(root);
  });

  it('scans ADDON_PATHS folders of packages and refuses a second package with the same id', async () => {
    pkg(
      join(root, 'more', 'crm-fork'),
      { name: 'crm-fork', exports: './index.mjs', elevate: { addon: true } },
      addonSource('crm'),
    );
    await expect(discoverAddons(root, ['more'])).rejects.toThrow(
      'Two packages declare the addon id "crm": crm and crm-fork',
    );
  });

  it('says which package is wrong when its export is missing', async () => {
    const extra = join(root, 'extra', 'broken');
    pkg(
      extra,
      { name: 'broken', exports: './index.mjs', elevate: { addon: true, export: 'nope' } },
      'export const x = 1;',
    );
    await expect(discoverAddons(root, ['extra/broken'])).rejects.toThrow(
      'Addon package broken does not export an addon named "nope"',
    );
  });
});
