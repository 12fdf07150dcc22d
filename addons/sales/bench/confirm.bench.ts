// sales benchmark: orders confirmed per second over REST (authenticated, RLS, record rules, the
// conditional state change, the company-currency amounts at the day's rate, a reservation through inventory's Stock service, the waiting
// delivery, the timeline entry, the outbox event), against raw SQL doing the same writes in one
// transaction per order as the database owner (no RLS, no checks), in the same run.
//   pnpm exec tsx addons/sales/bench/confirm.bench.ts      (BENCH_ORDERS=200 by default)
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel } from '@elevate/testkit';
import pg from 'pg';
import { sales } from '../src/index.ts';

const N = Number(process.env.BENCH_ORDERS ?? 200);
const CONCURRENCY = 10;

const env = await bootTestKernel({
  addons: [crm, inventory, sales],
  workers: false,
  env: { DATABASE_POOL_SIZE: '10' },
});
const t = await env.tenant('bench', { enable: ['sales'] });
const headers = { authorization: `Bearer ${t.client.token}`, 'content-type': 'application/json' };
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${env.url}${path}`, { method, headers, body: body ? JSON.stringify(body) : null });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const contact = await call('POST', '/api/v1/crm/contacts', { name: 'Bench customer' });
const product = await call('POST', '/api/v1/inventory/products', { sku: 'BENCH', name: 'Bench', salePrice: '10' });
await call('POST', '/api/v1/inventory/receipts', { productId: product.id, quantity: '1000000' });
const drafts = async (n: number) => {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const o = await call('POST', '/api/v1/sales/orders', {
      contactId: contact.id,
      lines: [{ productId: product.id, quantity: '1' }],
    });
    ids.push(o.id);
  }
  return ids;
};
const restIds = await drafts(N);
const rawIds = await drafts(N);
await env.sql('vacuum analyze');

async function pool<T>(items: T[], work: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

let t0 = performance.now();
await pool(restIds, async (id) => void (await call('POST', `/api/v1/sales/orders/${id}/confirm`)));
const restRate = Math.round((N / (performance.now() - t0)) * 1000);

const [stock] = await env.sql<{ id: string }>(
  `select id from inventory_location where tenant_id = $1 and full_name = 'WH/Stock'`,
  [t.id],
);
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: CONCURRENCY });
t0 = performance.now();
await pool(rawIds, async (id) => {
  const c = await raw.connect();
  try {
    await c.query('begin');
    await c.query(
      `update sales_order set state = 'confirmed', confirmed_at = now() where tenant_id = $1 and id = $2 and state = 'draft'`,
      [t.id, id],
    );
    // The rate of the day into the company currency (same currency here: 1), as confirmOrder stores it.
    const currency = (await c.query('select currency from core_money_settings where tenant_id = $1', [t.id])).rows[0]
      ?.currency;
    await c.query(
      `update sales_order set company_currency = $3, exchange_rate = 1, rate_date = current_date,
              amount_untaxed_company = amount_untaxed, amount_tax_company = amount_tax, amount_total_company = amount_total
        where tenant_id = $1 and id = $2`,
      [t.id, id, currency ?? 'USD'],
    );
    const line = (
      await c.query(`select id, quantity from sales_order_line where tenant_id = $1 and order_id = $2`, [t.id, id])
    ).rows[0];
    const held = await c.query(
      `update inventory_quant set reserved = reserved + $4 where tenant_id = $1 and product_id = $2 and location_id = $3 and quantity - reserved >= $4 returning id`,
      [t.id, product.id, stock?.id, line.quantity],
    );
    if (!held.rowCount) throw new Error('short');
    const r = await c.query(
      `insert into inventory_reservation (tenant_id, product_id, location_id, quantity, delivered, demand, idempotency_key) values ($1, $2, $3, $4, 0, $5, $6) returning id`,
      [t.id, product.id, stock?.id, line.quantity, `sales.order:${id}`, `sales.order_line:${line.id}`],
    );
    await c.query(`update sales_order_line set reservation_id = $3 where tenant_id = $1 and id = $2`, [
      t.id,
      line.id,
      r.rows[0].id,
    ]);
    const d = await c.query(`insert into sales_delivery (tenant_id, order_id) values ($1, $2) returning id`, [
      t.id,
      id,
    ]);
    await c.query(
      `insert into sales_delivery_line (tenant_id, delivery_id, order_line_id, quantity) values ($1, $2, $3, $4)`,
      [t.id, d.rows[0].id, line.id, line.quantity],
    );
    await c.query(`insert into sales_order_event (tenant_id, order_id, seq, state) values ($1, $2, 2, 'confirmed')`, [
      t.id,
      id,
    ]);
    await c.query(
      `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload) values ($1, 'event', 'sales.order.confirmed', $2, '{}')`,
      [t.id, id],
    );
    await c.query('commit');
  } catch (e) {
    await c.query('rollback');
    throw e;
  } finally {
    c.release();
  }
});
const rawRate = Math.round((N / (performance.now() - t0)) * 1000);
await raw.end();

const [check] = await env.sql<{ reserved: string }>(
  `select reserved::text from inventory_quant where tenant_id = $1 and product_id = $2`,
  [t.id, product.id],
);
console.log(
  JSON.stringify(
    {
      orders: N,
      concurrency: CONCURRENCY,
      restConfirmsPerSecond: restRate,
      rawSqlConfirmsPerSecond: rawRate,
      restVsRaw: Math.round((restRate / rawRate) * 100) / 100,
      reservedIsBothRuns: check?.reserved === `${2 * N}.0000`,
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
    },
    null,
    2,
  ),
);
await env.close();
