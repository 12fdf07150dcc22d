import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { visit } from './crawl.ts';
import { screenshot, setTheme } from './platform.ts';

/**
 * A page checker for one test file: `checkPages(page, tenant, [[name, url], ...])` opens each page
 * at 1440 and 375 px in light and dark (axe at 1440, no sideways scroll at 375, no console or page
 * error, the crawl's checks), screenshots it as `<prefix>-<name>-<width>-<theme>.png`, and fails
 * listing every problem found. `height`: the viewport's; `beforeShot`: scrolls a page's part of
 * interest into view before its screenshot.
 */
export function pageChecker(
  prefix: string,
  opts: { height?: number; beforeShot?: (p: Page, name: string) => Promise<void> } = {},
) {
  return async (p: Page, tenant: { slug: string }, pages: readonly (readonly [string, string])[]): Promise<void> => {
    const consoleErrors: string[] = [];
    p.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} (${m.location().url})`);
    });
    p.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    const failures: string[] = [];
    for (const [width, theme] of [
      [1440, 'light'],
      [1440, 'dark'],
      [375, 'light'],
      [375, 'dark'],
    ] as const) {
      await p.setViewportSize({ width, height: opts.height ?? 860 });
      await setTheme(p, theme);
      for (const [name, url] of pages) {
        const v = await visit(p, url, `/t/${tenant.slug}`, consoleErrors, { axe: width === 1440, narrow: width < 640 });
        for (const f of v.failures) failures.push(`${name} ${width} ${theme}: ${f.kind}: ${f.detail}`);
        await opts.beforeShot?.(p, name);
        await screenshot(p, `${prefix}-${name}-${width}-${theme}`);
      }
    }
    expect(failures).toEqual([]);
  };
}
