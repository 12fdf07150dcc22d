import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// Package boundaries: the SDK is the contract and depends on nothing of the platform; addons use
// the SDK, the test kit and their own files — the doors a third-party author has, and no other.

const root = join(import.meta.dirname, '..');

function files(dir: string, ext = /\.(ts|svelte)$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(name) ? [p] : [];
  });
}

const imports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1] as string);

const pkg = (dir: string) => JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
const deps = (p: Record<string, Record<string, string> | undefined>) =>
  Object.keys({ ...p.dependencies, ...p.devDependencies, ...p.peerDependencies });

describe('package boundaries', () => {
  it('the SDK depends on nothing of core or the test kit', () => {
    expect(deps(pkg('sdk')).filter((d) => d.startsWith('@elevate/'))).toEqual([]);
    const leaks = files(join(root, 'sdk/src')).flatMap((f) =>
      imports(f)
        .filter(
          (i) => i.startsWith('@elevate/') || (i.startsWith('.') && !join(f, '..', i).startsWith(join(root, 'sdk'))),
        )
        .map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(leaks).toEqual([]);
  });

  it('crm’s server code, tests and bench use only the SDK, the test kit and their own files', () => {
    expect(deps(pkg('addons/crm')).filter((d) => d.startsWith('@elevate/'))).toEqual([
      '@elevate/sdk',
      '@elevate/testkit',
    ]);
    const leaks = ['src', 'test', 'bench', 'migrations', 'seed'].flatMap((d) => {
      let list: string[] = [];
      try {
        list = files(join(root, 'addons/crm', d));
      } catch {
        return [];
      }
      return list.flatMap((f) =>
        imports(f)
          .filter(
            (i) =>
              (i.startsWith('@elevate/') &&
                !['@elevate/sdk', '@elevate/testkit', '@elevate/testkit/load'].includes(i)) ||
              (i.startsWith('.') && !join(f, '..', i).startsWith(join(root, 'addons/crm'))),
          )
          .map((i) => `${relative(root, f)}: ${i}`),
      );
    });
    expect(leaks).toEqual([]);
  });

  it('crm’s web code uses only the UI kit, the SDK’s shared rules and money, npm packages and crm’s own files', () => {
    const allowed = ['@elevate/sdk/web', '@elevate/sdk/web/i18n', '@elevate/sdk/permissions', '@elevate/sdk/money'];
    const leaks = files(join(root, 'addons/crm/web')).flatMap((f) =>
      imports(f)
        .filter(
          (i) =>
            (i.startsWith('@elevate/') && !allowed.includes(i)) ||
            i.startsWith('#') ||
            i.startsWith('$') ||
            (i.startsWith('.') && !join(f, '..', i).startsWith(join(root, 'addons/crm/'))),
        )
        .map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(leaks).toEqual([]);
    // It does import the kit (so the check above looks at real imports).
    expect(files(join(root, 'addons/crm/web')).some((f) => imports(f).includes('@elevate/sdk/web'))).toBe(true);
  });

  it('crm’s pages reach its server files for types only (no server code is bundled for the browser)', () => {
    const valueImports = files(join(root, 'addons/crm/web')).flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s*'([^']+)'/gm)]
        .map((m) => m[1] as string)
        .filter((i) => i.startsWith('.') && join(f, '..', i).startsWith(join(root, 'addons/crm/src')))
        .map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(valueImports).toEqual([]);
    // The pages' row types do come from the models (so the check above looks at real imports).
    expect(readFileSync(join(root, 'addons/crm/web/types.ts'), 'utf8')).toMatch(
      /import type .* from '..\/src\/models\//,
    );
  });

  it('the web app has no kit of its own for addons to reach into', () => {
    expect(pkg('web').exports).toBeUndefined();
    expect(deps(pkg('addons/crm'))).not.toContain('@elevate/web');
  });
});

describe('inventory uses only the doors a third party has', () => {
  const dir = join(root, 'addons/inventory');
  const list = (d: string) => {
    try {
      return files(join(dir, d));
    } catch {
      return [];
    }
  };

  it('its server code, tests, migrations and bench use only the SDK, the test kit and its own files', () => {
    expect(deps(pkg('addons/inventory')).filter((d) => d.startsWith('@elevate/'))).toEqual([
      '@elevate/sdk',
      '@elevate/testkit',
    ]);
    const leaks = ['src', 'test', 'bench', 'migrations', 'seed'].flatMap((d) =>
      list(d).flatMap((f) =>
        imports(f)
          .filter(
            (i) =>
              (i.startsWith('@elevate/') &&
                !['@elevate/sdk', '@elevate/testkit', '@elevate/testkit/load'].includes(i)) ||
              (i.startsWith('.') && !join(f, '..', i).startsWith(dir)),
          )
          .map((i) => `${relative(root, f)}: ${i}`),
      ),
    );
    expect(leaks).toEqual([]);
    expect(list('src').some((f) => imports(f).includes('@elevate/sdk'))).toBe(true);
  });

  it('its web code uses only the UI kit, npm packages and its own files; server files for types only', () => {
    const allowed = ['@elevate/sdk/web', '@elevate/sdk/web/i18n', '@elevate/sdk/permissions', '@elevate/sdk/money'];
    const web = list('web');
    const leaks = web.flatMap((f) =>
      imports(f)
        .filter(
          (i) =>
            (i.startsWith('@elevate/') && !allowed.includes(i)) ||
            i.startsWith('#') ||
            i.startsWith('$') ||
            (i.startsWith('.') && !join(f, '..', i).startsWith(`${dir}/`)),
        )
        .map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(leaks).toEqual([]);
    const valueImports = web.flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s*'([^']+)'/gm)]
        .map((m) => m[1] as string)
        .filter((i) => i.startsWith('.') && join(f, '..', i).startsWith(join(dir, 'src')))
        .map((i) => `${relative(root, f)}: ${i}`),
    );
    expect(valueImports).toEqual([]);
    expect(web.some((f) => imports(f).includes('@elevate/sdk/web'))).toBe(true);
  });
});

describe('published packages offer every door the workspace does', () => {
  // pnpm pack swaps `exports` for `publishConfig.exports`: an entry missing there works inside the
  // workspace and fails with ERR_PACKAGE_PATH_NOT_EXPORTED for an addon installed from the tarball.
  for (const dir of ['sdk', 'core', 'testkit', 'cli']) {
    it(`${dir}: the same export keys, each published path built from a workspace source`, () => {
      const p = pkg(dir);
      const published = p.publishConfig?.exports ?? p.exports;
      expect(Object.keys(published).sort()).toEqual(Object.keys(p.exports ?? {}).sort());
      for (const [key, target] of Object.entries<string | Record<string, string>>(published)) {
        const paths = typeof target === 'string' ? [target] : Object.values(target);
        for (const path of paths) {
          // dist/x.js and dist/x.d.ts are compiled from src/x.ts; sources ship as they are.
          const source = path.replace(
            /^\.\/dist\/(.*?)(\.d)?\.js$|^\.\/dist\/(.*?)\.d\.ts$/,
            (_m, a, _d, b) => `./src/${a ?? b}.ts`,
          );
          expect(statSync(join(root, dir, source)).isFile(), `${dir} ${key}: ${path}`).toBe(true);
        }
      }
    });
  }
});
