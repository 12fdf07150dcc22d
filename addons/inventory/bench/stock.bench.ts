// inventory benchmark: valued stock moves per second through the REST API (authenticated, RLS,
// permissions, validation, quant upsert, FIFO cost layers, outbox event), compared in the same run
// with a raw-SQL insert of the same rows (move, cost layer, its entry, quant upsert, one
// transaction, as the database owner: no RLS, no checks); and reservations per second under contention on one
// product.   pnpm exec tsx addons/inventory/bench/stock.bench.ts   (BENCH_MS=5000 by default)
import { bootTestKernel } from '@elevate/testkit';
import { spawnLoad } from '@elevate/testkit/load';
import pg from 'pg';
import { inventory } from '../src/index.ts';
import { rawReceipt, WRITTEN_TABLES } from './raw-receipt.ts';

const CONCURRENCY = 10;
const MS = Number(process.env.BENCH_MS ?? 5000);

const env = await bootTestKernel({ addons: [inventory], workers: false, env: { DATABASE_POOL_SIZE: '10' } });
const t = await env.tenant('bench', { enable: ['inventory'] });
const API = `${env.url}/api/v1/inventory`;
const headers = { authorization: `Bearer ${t.client.token}`, 'content-type': 'application/json' };

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${API}${path}`, { method, headers, body: body ? JSON.stringify(body) : null });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const locations = (await call('GET', '/locations?limit=200')).data as {
  id: string;
  fullName: string;
  warehouse: string;
}[];
const loc = (n: string) => (locations.find((l) => l.fullName === n) as { id: string }).id;
const stock = loc('WH/Stock');
// Layers belong to the warehouse that received the goods: the raw inserts below say which.
const warehouse = (locations.find((l) => l.fullName === 'WH/Stock') as { warehouse: string }).warehouse;
const customer = loc('Partners/Customers');
const supplier = loc('Partners/Suppliers');
const product = await call('POST', '/products', { sku: 'BENCH', name: 'Bench', cost: '2.00' });
const scarce = await call('POST', '/products', { sku: 'SCARCE', name: 'Contended' });
await env.sql('vacuum analyze');
// The tables grow from empty and autovacuum may be off: each phase starts with fresh statistics
// (operations.bench.ts says what stale ones cost).
const analyze = () => env.sql(`analyze ${WRITTEN_TABLES}`);

const run = { concurrency: CONCURRENCY, ms: MS, method: 'POST', headers };
const warm = { ...run, ms: 1000 };

// 1. Receipts (valued in: a layer each) then deliveries of 1 (valued out: FIFO consumption).
const receipt = {
  ...run,
  url: `${API}/receipts`,
  body: JSON.stringify({ productId: product.id, quantity: '1', unitCost: '2.50' }),
};
await spawnLoad({ ...receipt, ms: 1000 });
await analyze();
const receipts = await spawnLoad(receipt);
// Enough stock that no delivery is refused (they consume the 1-unit layers first, then this one).
await call('POST', '/receipts', { productId: product.id, quantity: '1000000', unitCost: '2.00' });
const delivery = {
  ...run,
  url: `${API}/moves`,
  body: JSON.stringify({
    productId: product.id,
    quantity: '1',
    fromLocationId: stock,
    toLocationId: customer,
    state: 'done',
  }),
};
await analyze();
const deliveries = await spawnLoad(delivery);

// 2. The same rows by raw SQL, same concurrency (raw-receipt.ts): move, layer, its entry, quant.
const target = { tenantId: t.id, supplierId: supplier, stockId: stock, warehouseId: warehouse };
await analyze();
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: CONCURRENCY });
let rawMoves = 0;
const rawEnd = performance.now() + MS;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    const c = await raw.connect();
    try {
      while (performance.now() < rawEnd) {
        rawMoves += await rawReceipt(c, target, [product.id]);
      }
    } finally {
      c.release();
    }
  }),
);
const rawRate = Math.round((rawMoves / (performance.now() - t0)) * 1000);
await raw.end();

// 3. Reservations of 1 on one product with plenty of stock: every request updates the same quant row.
await call('POST', '/receipts', { productId: scarce.id, quantity: '10000000' });
const reserve = { ...run, url: `${API}/reservations`, body: JSON.stringify({ productId: scarce.id, quantity: '1' }) };
await spawnLoad({ ...warm, url: reserve.url, body: reserve.body });
await analyze();
const reservations = await spawnLoad(reserve);

// The platform's floor on this machine: a GET of one product (one indexed select per request).
const floor = await spawnLoad({ concurrency: CONCURRENCY, ms: MS, headers, url: `${API}/products/${product.id}` });

// Sanity: the quants still equal the moves, and the layers the valuation.
const [check] = await env.sql<{ q: string; m: string }>(
  `select (select quantity::text from inventory_quant where tenant_id = $1 and product_id = $2 and location_id = $3) as q,
          (select (coalesce(sum(case when to_id = $3 then quantity end), 0) - coalesce(sum(case when from_id = $3 then quantity end), 0))::text
             from inventory_move where tenant_id = $1 and product_id = $2 and state = 'done') as m`,
  [t.id, product.id, stock],
);

console.log(
  JSON.stringify(
    {
      concurrency: CONCURRENCY,
      ms: MS,
      restReceiptsPerSecond: receipts.rps,
      restDeliveriesPerSecond: deliveries.rps,
      rawSqlReceiptsPerSecond: rawRate,
      restVsRaw: Math.round((receipts.rps / rawRate) * 100) / 100,
      receiptsP50ms: receipts.p50,
      deliveriesP99ms: deliveries.p99,
      errors: { receipts: receipts.errors, deliveries: deliveries.errors, reservations: reservations.errors },
      reservationsPerSecondOneProduct: reservations.rps,
      reservationsP99ms: reservations.p99,
      restGetOneProductPerSecond: floor.rps,
      quantEqualsMoves: check?.q === check?.m,
    },
    null,
    2,
  ),
);
await env.close();
