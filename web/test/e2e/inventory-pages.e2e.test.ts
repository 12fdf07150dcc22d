// Inventory's warehouse pages and dashboard widgets in the browser: a warehouse made with the form,
// its location tree (a shelf added, renamed, moved under another; archiving a shelf with stock
// refused with the server's words, an empty one archived), the on-hand totals of the tree, and the
// Low stock and Stock value widgets on the dashboard; the crawl's checks and screenshots at 1440 and
// 375 px, light and dark. (That a user without inventory.move.read gets neither is the shell's
// widget permission plus addons/inventory/test/dashboard.test.ts's 403s.)
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pageChecker } from './check-pages.ts';
import { afterBrowserTest, createTenant, newContext, open, type Platform, signIn, startAll } from './platform.ts';

let platform: Platform;
let browser: Browser;
let page: Page | undefined;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  ({ platform, browser } = await startAll());
}, 90_000);
afterEach(async ({ task }) => afterBrowserTest(task, page, contexts));
afterAll(async () => {
  await browser?.close();
  await platform?.stop();
});

type Tenant = Awaited<ReturnType<typeof createTenant>>;

async function signedInPage(tenant: Tenant, width = 1280): Promise<Page> {
  const context = await newContext(browser, width);
  contexts.push(context);
  const p = await context.newPage();
  await signIn(p, tenant);
  return p;
}

const row = (p: Page, name: string) => p.getByRole('row').filter({ has: p.getByRole('cell', { name, exact: true }) });

describe('inventory pages', { timeout: 180_000 }, () => {
  it('a warehouse and its location tree; the dashboard widgets', async () => {
    const tenant = await createTenant(platform, { prefix: 'invpages', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    page = await signedInPage(tenant, 1440);
    const p = page;

    // A warehouse from the list's form: a taken code is named under the field first.
    await open(p, tenant.app('/inventory/warehouses'));
    await p.getByRole('button', { name: 'New warehouse' }).click();
    const dialog = p.getByRole('dialog', { name: 'New warehouse' });
    await dialog.getByLabel('Code').fill('WH');
    await dialog.getByLabel('Name').fill('East depot');
    await dialog.getByRole('button', { name: 'Create warehouse' }).click();
    await expect.poll(() => dialog.textContent()).toContain('is already taken');
    await dialog.getByLabel('Code').fill('EAST');
    await dialog.getByRole('button', { name: 'Create warehouse' }).click();
    await p.waitForURL(/\/inventory\/warehouses\/[0-9a-f-]{36}$/);
    const warehouseUrl = p.url();
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toContain('EAST · East depot');
    await expect.poll(() => row(p, 'EAST/Stock').count()).toBe(1);

    // Shelves under Stock.
    const add = async (under: string, name: string) => {
      await p.getByRole('button', { name: `Add a location under ${under}`, exact: true }).click();
      const d = p.getByRole('dialog', { name: 'New location' });
      await d.getByLabel('Name').fill(name);
      await d.getByRole('button', { name: 'Add location' }).click();
      await expect.poll(() => row(p, `${under}/${name}`).count()).toBe(1);
    };
    await add('EAST/Stock', 'Shelf A');
    await add('EAST/Stock', 'Shelf B');
    // A name with a slash is refused on the field; then renamed.
    await p.getByRole('button', { name: 'Rename EAST/Stock/Shelf A', exact: true }).click();
    const rename = p.getByRole('dialog', { name: 'Rename location' });
    await rename.getByLabel('Name').fill('A/1');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => rename.textContent()).toContain('must not contain /');
    await rename.getByLabel('Name').fill('Aisle 1');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => row(p, 'EAST/Stock/Aisle 1').count()).toBe(1);
    // Moved under Shelf B.
    await p.getByRole('button', { name: 'Move EAST/Stock/Aisle 1', exact: true }).click();
    const move = p.getByRole('dialog', { name: 'Move location' });
    await move.getByLabel('New parent').selectOption({ label: 'EAST/Stock/Shelf B' });
    await move.getByRole('button', { name: 'Move' }).click();
    await expect.poll(() => row(p, 'EAST/Stock/Shelf B/Aisle 1').count()).toBe(1);

    // Stock on the aisle: the tree's totals, live.
    const locs = await tenant.as<{ data: { id: string; fullName: string }[] }>(
      'GET',
      '/api/v1/inventory/locations?q=EAST&limit=50',
    );
    const aisle = locs.data.find((l) => l.fullName === 'EAST/Stock/Shelf B/Aisle 1')?.id as string;
    const mug = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'MUG-1',
      name: 'Blue mug',
      cost: '2.50',
      currency: 'EUR',
    });
    const bowl = await tenant.as<{ id: string }>('POST', '/api/v1/inventory/products', {
      sku: 'BOWL-1',
      name: 'Bowl',
      cost: '4',
      currency: 'USD',
    });
    await tenant.as('POST', '/api/v1/inventory/receipts', { productId: mug.id, quantity: '7', locationId: aisle });
    await tenant.as('POST', '/api/v1/inventory/receipts', { productId: bowl.id, quantity: '1' });
    await tenant.as('POST', '/api/v1/inventory/adjustments', {
      productId: bowl.id,
      locationId: (
        await tenant.as<{ data: { id: string; fullName: string }[] }>('GET', '/api/v1/inventory/locations?q=WH%2FStock')
      ).data.find((l) => l.fullName === 'WH/Stock')?.id,
      countedQuantity: '0',
    });
    await expect.poll(async () => (await row(p, 'EAST/Stock/Shelf B').textContent()) ?? '').toContain('7');

    // Archive Shelf B: refused while the aisle holds the mugs, said in the banner.
    await p.getByRole('button', { name: 'Archive EAST/Stock/Shelf B', exact: true }).click();
    await p.getByRole('dialog', { name: 'Archive location' }).getByRole('button', { name: 'Archive' }).click();
    await expect
      .poll(() => p.getByTestId('location-error').textContent())
      .toContain('still holds stock (7.0000 on hand of 1 product)');
    expect(await row(p, 'EAST/Stock/Shelf B').textContent()).toContain('Active');
    // Shelf A is gone (renamed); add an empty bin and archive it.
    await add('EAST/Stock', 'Bin 9');
    await p.getByRole('button', { name: 'Archive EAST/Stock/Bin 9', exact: true }).click();
    await p.getByRole('dialog', { name: 'Archive location' }).getByRole('button', { name: 'Archive' }).click();
    await expect.poll(() => row(p, 'EAST/Stock/Bin 9').count()).toBe(0);
    await p.getByLabel('Show archived (1)').check();
    expect(await row(p, 'EAST/Stock/Bin 9').textContent()).toContain('Archived');

    // The dashboard: stock value per currency (7 × 2.50 EUR; the bowl counted away), low stock (the bowl).
    await open(p, tenant.app('/'));
    await expect.poll(() => p.getByTestId('stock-value-EUR').textContent()).toContain('17.50');
    expect(await p.getByTestId('stock-value-USD').count()).toBe(0);
    const low = p.getByRole('list', { name: 'Products running low' });
    expect(await low.getByRole('link').allTextContents()).toEqual(['BOWL-1 · Bowl']);
    await low.getByRole('link', { name: 'BOWL-1 · Bowl' }).click();
    await p.waitForURL(tenant.app(`/inventory/products/${bowl.id}`));

    await checkPages(p, tenant, [
      ['warehouses', tenant.app('/inventory/warehouses')],
      ['warehouse', warehouseUrl],
      ['dashboard', tenant.app('/')],
    ]);
  });

  it("the admin's schedules page lists inventory's hourly check and runs it now", async () => {
    const tenant = await createTenant(platform, { prefix: 'invsched', crm: false });
    await tenant.as('POST', '/api/v1/core/addons/inventory/enable', {});
    page = await signedInPage(tenant, 1440);
    const p = page;
    await open(p, tenant.app('/admin/schedules'));
    expect(await p.getByRole('heading', { level: 1 }).textContent()).toContain('Schedules');
    const check = row(p, 'Reorder check: raise the replenishments the rules call for (inventory.reorder-check)');
    await expect.poll(() => check.count()).toBe(1);
    expect(await check.textContent()).toContain('Every hour');
    // The workers run it for this company: nothing to raise yet.
    await p.getByRole('button', { name: 'Run now: inventory.reorder-check' }).click();
    await expect.poll(() => check.textContent(), { timeout: 30_000 }).toContain('Done: {"raised":0}');
    await checkPages(p, tenant, [['schedules', tenant.app('/admin/schedules')]]);
  });
});

/** The crawl's checks on `pages`, light and dark, 1440 and 375, with screenshots (inventory-<name>-<width>-<theme>.png). */
const checkPages = pageChecker('inventory');
