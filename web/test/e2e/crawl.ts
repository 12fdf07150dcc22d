// The pieces of the crawl: what the addons declare (menus, pages), URL patterns, and one page
// visit with its checks (console errors, error pages, 403s, axe-core, layout at phone width).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { permissionMatches } from '@elevate/sdk/permissions';
import type { Page } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const AXE_SOURCE = readFileSync(createRequire(`${ROOT}web/package.json`).resolve('axe-core/axe.min.js'), 'utf8');

export type FailureKind =
  | 'console-error'
  | 'page-error'
  | 'http-status'
  | 'error-shown'
  | 'forbidden'
  | 'axe'
  | 'layout'
  | 'sidebar'
  | 'no-hydration';

export interface Failure {
  kind: FailureKind;
  role: string;
  /** '1440 light', '375 dark', … */
  view: string;
  pattern: string;
  detail: string;
}

/** The kernel's rule (sdk permissionMatches): does a role with these patterns hold `key`? */
export function holds(permissions: readonly string[], enabled: readonly string[], key: string): boolean {
  const addon = key.split('.')[0] ?? '';
  if (addon !== 'core' && !enabled.includes(addon)) return false;
  return permissions.some((p) => permissionMatches(p, key));
}

export interface DeclaredPage {
  /** '/<addon>/<path>' below the tenant base. */
  path: string;
  permission: string | null;
  /** Declared as a menu entry (then the sidebar must show it to whoever holds its permission). */
  menu: boolean;
}

function files(dir: string, suffix: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((n) => {
    const p = `${dir}/${n}`;
    return statSync(p).isDirectory() ? files(p, suffix) : p.endsWith(suffix) ? [p] : [];
  });
}

/**
 * Every addon's declared menu entries and parameterless pages (addons/<id>/web/menu.ts and
 * web/pages/**.svelte, the same conventions the web app's registry applies), so a new addon page
 * is crawled without editing the crawl. A page's permission is its `export const permission`.
 */
export async function declaredPages(enabled: readonly string[]): Promise<DeclaredPage[]> {
  const out = new Map<string, DeclaredPage>();
  for (const addon of enabled) {
    const dir = `${ROOT}addons/${addon}/web`;
    for (const file of files(`${dir}/pages`, '.svelte')) {
      const segments = file.slice(`${dir}/pages/`.length, -'.svelte'.length).split('/');
      if (segments.at(-1) === 'index') segments.pop();
      if (segments.some((s) => s.startsWith('['))) continue; // reached from the lists instead
      const permission = /export const permission\s*=\s*['"]([^'"]+)['"]/.exec(readFileSync(file, 'utf8'))?.[1] ?? null;
      const path = `/${addon}${segments.length ? `/${segments.join('/')}` : ''}`;
      out.set(path, { path, permission, menu: false });
    }
    try {
      statSync(`${dir}/menu.ts`);
    } catch {
      continue;
    }
    const mod = (await import(pathToFileURL(`${dir}/menu.ts`).href)) as {
      menu?: { path: string; permission?: string }[];
    };
    for (const entry of mod.menu ?? []) {
      const path = `/${addon}${entry.path ? `/${entry.path}` : ''}`;
      const page = out.get(path);
      out.set(path, { path, permission: entry.permission ?? page?.permission ?? null, menu: true });
    }
  }
  return [...out.values()];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const generic = (v: string) => (UUID.test(v) ? ':id' : /^\d+$/.test(v) ? ':n' : v);

/**
 * One pattern per kind of page: `/crm/contacts/<uuid>` → `/crm/contacts/:id`; a query keeps its
 * parameter names, not their values (`?due=today` and `?due=overdue` are one page), and a list's
 * page and order (the kit's Pagination `offset`, sortable headers' `sort`) are left out.
 */
const LIST_STATE = new Set(['offset', 'sort']);
export function urlPattern(url: string, base: string): string {
  const u = new URL(url);
  const path = u.pathname.slice(base.length).split('/').map(generic).join('/') || '/';
  const keys = [...new Set(u.searchParams.keys())].filter((k) => !LIST_STATE.has(k)).sort();
  return keys.length ? `${path}?${keys.join('&')}` : path;
}

export interface Visit {
  status: number;
  failures: Omit<Failure, 'role' | 'view' | 'pattern'>[];
  /** Links of the sidebar and of the page's main area (absolute URLs of this tenant's pages). */
  navLinks: string[];
  mainLinks: string[];
  /** The permission a 403 page named, if it was one. */
  forbiddenBy: string | null;
  /** Whether axe-core checked the page (not on a 403 page). */
  axeRan: boolean;
}

/** axe-core's serious and critical violations on the page as it is now (no reload: form state stays). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Through the devtools protocol, not a <script> tag: the app's Content-Security-Policy (which
  // refuses inline scripts) stays on while the crawl looks for problems.
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: AxeLike }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.impact} ${v.id}: ${v.help} — ${v.nodes
            .slice(0, 3)
            .map((n) => n.target.join(' '))
            .join(' | ')}`,
      );
  });
}

/** Opens `url` in `page` (whose console is collected into `consoleErrors`) and checks it. */
export async function visit(
  page: Page,
  url: string,
  base: string,
  consoleErrors: string[],
  opts: { axe: boolean; narrow: boolean },
): Promise<Visit> {
  consoleErrors.length = 0;
  const failures: Visit['failures'] = [];
  const res = await page.goto(url, { waitUntil: 'domcontentloaded' });
  const status = res?.status() ?? 0;
  try {
    await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 15_000 });
  } catch {
    failures.push({ kind: 'no-hydration', detail: 'the page never finished hydrating' });
  }
  const shown = await page.evaluate(() => {
    const errorTitle = /^(Error|Page not found) · /.test(document.title);
    const heading = document.querySelector('#error-title, main h1')?.textContent?.trim() ?? '';
    const message =
      (document.querySelector('#error-title ~ p') ?? document.querySelector('main p'))?.textContent?.trim() ?? '';
    // Error boundaries (a widget or a section that failed) mark themselves, or say so.
    const boundaries = [...document.querySelectorAll('[data-error-boundary]')].map((e) => e.textContent?.trim() ?? '');
    const text = document.querySelector('main')?.textContent ?? '';
    for (const m of text.matchAll(/Could not (?:load|show) this widget[^.]*\./g)) boundaries.push(m[0]);
    return { errorTitle, heading, message, boundaries };
  });
  const forbiddenBy =
    status === 403 || shown.heading === 'Not allowed'
      ? (/needs the permission "([^"]+)"/.exec(shown.message)?.[1] ?? '')
      : null;
  if (forbiddenBy === null) {
    if (status >= 400) failures.push({ kind: 'http-status', detail: `${status}: ${shown.heading} – ${shown.message}` });
    else if (shown.errorTitle) failures.push({ kind: 'error-shown', detail: `${shown.heading} – ${shown.message}` });
  }
  for (const b of shown.boundaries)
    failures.push({ kind: 'error-shown', detail: `error boundary: ${b.slice(0, 200)}` });

  const links = await page.evaluate((b) => {
    const keep = (a: HTMLAnchorElement) => {
      if (a.hasAttribute('download') || a.origin !== location.origin) return null;
      const p = a.pathname;
      if (!(p === b || p.startsWith(`${b}/`)) || /\/(app\/api|auth)\//.test(p) || /\.\w+$/.test(p)) return null;
      return `${a.origin}${p}${a.search}`;
    };
    const pick = (sel: string) => [...document.querySelectorAll<HTMLAnchorElement>(sel)].flatMap((a) => keep(a) ?? []);
    return { nav: pick('nav[aria-label="Main"] a[href]'), main: pick('main a[href]') };
  }, base);

  if (opts.narrow && forbiddenBy === null) {
    const problems = await page.evaluate(layoutProblems);
    for (const p of problems) failures.push({ kind: 'layout', detail: p });
  }
  const axeRan = opts.axe && forbiddenBy === null;
  if (axeRan) {
    // Through the devtools protocol, not a <script> tag: the app's Content-Security-Policy (which
    // refuses inline scripts) stays on while the crawl looks for problems.
    const violations = await axeViolations(page);
    for (const v of violations) failures.push({ kind: 'axe', detail: v });
  }
  // The browser logs the document's own error status too; that status is judged above.
  const own = (e: string) => e.includes(`status of ${status} `) && e.endsWith(`(${url})`);
  for (const c of consoleErrors.filter((e) => !own(e))) {
    failures.push({ kind: c.startsWith('pageerror: ') ? 'page-error' : 'console-error', detail: c });
  }
  return { status, failures, navLinks: links.nav, mainLinks: links.main, forbiddenBy, axeRan };
}

interface AxeLike {
  run(
    ctx: Document,
    opts: { resultTypes: string[] },
  ): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }>;
}

/**
 * At phone width: the page must not scroll sideways, and no control may sit where it cannot be
 * reached (beyond the right edge, cut off by an ancestor that hides overflow instead of scrolling, or
 * a table row's button that shows only once the table is scrolled sideways).
 */
function layoutProblems(): string[] {
  const out: string[] = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push(`the page scrolls sideways (${doc.scrollWidth}px wide)`);
  const describe = (el: Element) =>
    `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40)}"`;
  for (const el of document.querySelectorAll('main a[href], main button, main input, main select, main textarea')) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || getComputedStyle(el).visibility === 'hidden') continue;
    let reachable = false;
    let clippedBy: Element | null = null;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox === 'auto' || ox === 'scroll') {
        // A table's row action that shows only once the table is scrolled sideways is as good as hidden.
        const ar = a.getBoundingClientRect();
        if (el.tagName === 'BUTTON' && el.closest('tbody') && r.right > ar.right + 1) {
          out.push(`${describe(el)} shows only when its table is scrolled sideways`);
        }
        reachable = true;
        break;
      }
      if (ox === 'hidden' || ox === 'clip') {
        const ar = a.getBoundingClientRect();
        if (r.right > ar.right + 1 || r.left < ar.left - 1) {
          clippedBy = a;
          break;
        }
      }
    }
    if (reachable) continue;
    if (clippedBy) out.push(`${describe(el)} is cut off by its container`);
    else if (r.right > window.innerWidth + 1) out.push(`${describe(el)} is beyond the right edge`);
  }
  return [...new Set(out)];
}
