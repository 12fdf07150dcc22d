import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crm } from '../addons/crm/src/index.ts';
import { inventory } from '../addons/inventory/src/index.ts';
import { sales } from '../addons/sales/src/index.ts';
import { LANGUAGES } from '../sdk/src/i18n.ts';
import { checkCatalogue } from '../sdk/src/i18n-check.ts';

// Every shipped message catalogue is complete in every shipped language (docs/i18n.md): the
// kernel's (API errors), the UI kit's, the web app's and each addon's beside its pages.

const root = join(import.meta.dirname, '..');

/** Every folder named `messages` holding an en.json, outside node_modules. */
function catalogues(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.') || name === 'build' || name === 'dist') return [];
    if (!statSync(p).isDirectory()) return [];
    const here = name === 'messages' && readdirSync(p).includes('en.json') ? [p] : [];
    return [...here, ...catalogues(p)];
  });
}

const found = ['core/src', 'sdk/src', 'web/src', 'addons', 'tests/fixtures'].flatMap((d) => catalogues(join(root, d)));

describe('message catalogues', () => {
  it('are found for the kernel, the kit, the web app and crm', () => {
    const names = found.map((d) => relative(root, d));
    for (const d of ['core/src/i18n/messages', 'sdk/src/web/messages', 'web/src/messages', 'addons/crm/web/messages']) {
      expect(names).toContain(d);
    }
  });

  it.each(found.map((d) => [relative(root, d), d]))('%s is complete in every shipped language', (_name, dir) => {
    expect(checkCatalogue(dir, LANGUAGES)).toEqual([]);
  });

  it('fails on a missing key, a message that does not parse, and different placeholders', () => {
    const dir = mkdtempSync(join(tmpdir(), 'i18n-check-'));
    const write = (lang: string, messages: Record<string, string>) =>
      writeFileSync(join(dir, `${lang}.json`), JSON.stringify(messages));
    write('en', {
      hello: 'Hello {name}',
      count: '{n, plural, one {# contact} other {# contacts}}',
      bye: 'Bye',
      bold: '<b>{x}</b>',
    });
    write('de', { hello: 'Hallo {nom}', count: '{n, plural, one {# Kontakt}', bold: '<i>{x}</i>', extra: 'x' });
    expect(checkCatalogue(dir, ['en', 'de', 'es']).sort()).toEqual(
      [
        'de.json: bye is missing',
        'de.json: count does not parse (MISSING_OTHER_CLAUSE)',
        'de.json: extra is not in en.json',
        'de.json: hello placeholders differ from en.json (missing name, unknown nom)',
        'de.json: bold placeholders differ from en.json (missing <b>, unknown <i>)',
        'es.json is missing',
      ].sort(),
    );
  });
});

describe('keys the server hands to the pages', () => {
  // A search group's heading is the labelKey's text in the addon's catalogue (the palette falls
  // back to the English label): each key exists, and its English is the label.
  it.each([crm, inventory, sales].map((a) => [a.id, a] as const))(
    "%s's search groups have their labelKey in the addon's catalogue",
    (id, addon) => {
      const en = JSON.parse(readFileSync(join(root, 'addons', id, 'web/messages/en.json'), 'utf8')) as Record<
        string,
        string
      >;
      const groups = addon.search ?? [];
      expect(groups.length).toBeGreaterThan(0);
      for (const g of groups) {
        expect(g.labelKey, g.type).toBeTruthy();
        expect(en[g.labelKey as string], `${g.type}: ${g.labelKey}`).toBe(g.label);
      }
    },
  );
});
