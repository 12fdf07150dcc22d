// inventory benchmark, batch path: valued moves per second through POST /operations (a receipt or
// delivery of LINES lines in one request and one transaction: auth, RLS, permissions, validation,
// set-based quants, FIFO cost layers, outbox events), compared in the same run with raw SQL writing
// the same valuation rows as the database owner (no RLS, no checks) in one statement per
// transaction: set-based (500 moves each) and row by row (one move each). Also: one move per request (POST /receipts),
// and a one-line operation, to split a request's fixed cost from its cost per line.
//   pnpm exec tsx addons/inventory/bench/operations.bench.ts   (BENCH_MS=5000, LINES=500, PRODUCTS=50)
import { loadavg } from 'node:os';
import { bootTestKernel } from '@elevate/testkit';
import { spawnLoad } from '@elevate/testkit/load';
import pg from 'pg';
import { inventory } from '../src/index.ts';
import { rawReceipt, WRITTEN_TABLES } from './raw-receipt.ts';

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 4);
const MS = Number(process.env.BENCH_MS ?? 5000);
const LINES = Number(process.env.LINES ?? 500);
const PRODUCTS = Number(process.env.PRODUCTS ?? 50);
const load0 = loadavg();

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
const supplier = loc('Partners/Suppliers');
const products: string[] = [];
for (let i = 0; i < PRODUCTS; i++) {
  products.push((await call('POST', '/products', { sku: `B-${i}`, name: `Bench ${i}`, cost: '2.00' })).id);
}
const lines = (extra: Record<string, string> = {}) =>
  Array.from({ length: LINES }, (_, i) => ({ productId: products[i % PRODUCTS], quantity: '1', ...extra }));
await env.sql('vacuum analyze');

const run = { concurrency: CONCURRENCY, ms: MS, method: 'POST', headers, url: `${API}/operations` };
const receiptBody = JSON.stringify({ kind: 'receipt', lines: lines({ unitCost: '2.50' }) });
const deliveryBody = JSON.stringify({ kind: 'delivery', lines: lines() });

// Raw SQL, the same rows, same concurrency, as the owner (raw-receipt.ts): one statement per
// transaction, set-based (500 rows each) and row by row (one move each).
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: CONCURRENCY });
async function rawLoop(body: (c: pg.PoolClient) => Promise<number>, ms = MS, concurrency = CONCURRENCY) {
  let moves = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const c = await raw.connect();
      try {
        while (performance.now() < end) moves += await body(c);
      } finally {
        c.release();
      }
    }),
  );
  return Math.round((moves / (performance.now() - t0)) * 1000);
}
const ids = Array.from({ length: LINES }, (_, i) => products[i % PRODUCTS] as string);
const target = { tenantId: t.id, supplierId: supplier, stockId: stock, warehouseId: warehouse };
const rawSetBased = (c: pg.PoolClient) => rawReceipt(c, target, ids);
// Autovacuum may be off (it is on this machine's server) and the tables were analysed empty
// above: without fresh statistics, a connection that plans its foreign-key checks while a table
// is small keeps scanning the whole growing table for each row (measured: 1–1.6 ms per check, the
// raw reference's layers 205 → 1,971 ms per 500 rows within 15 s). Every phase starts analysed.
const analyze = () => env.sql(`analyze ${WRITTEN_TABLES}`);
// A warm-up that gives the tables rows, then statistics that say so.
await rawLoop(rawSetBased, 1000);
await analyze();
// Before the REST runs and again after them (the tables have grown by then).
const rawBatchFirst = await rawLoop(rawSetBased);
// 1. Batch receipts (each line a valued move in: a cost layer) and batch deliveries (FIFO consumption).
await spawnLoad({ ...run, ms: 1000, body: receiptBody });
await analyze();
const receipts = await spawnLoad({ ...run, body: receiptBody });
// Enough stock that no delivery is refused; deliveries consume the 1-unit layers first.
await call('POST', '/operations', {
  kind: 'receipt',
  lines: products.map((productId) => ({ productId, quantity: '1000000', unitCost: '2.00' })),
});
await analyze();
const deliveries = await spawnLoad({ ...run, body: deliveryBody });

// 2. The fixed cost of a request: a one-line operation, and one move per request.
const one = await spawnLoad({
  ...run,
  ms: Math.min(MS, 3000),
  body: JSON.stringify({ kind: 'receipt', lines: [{ productId: products[0], quantity: '1', unitCost: '2.50' }] }),
});
const single = await spawnLoad({
  ...run,
  ms: Math.min(MS, 3000),
  url: `${API}/receipts`,
  body: JSON.stringify({ productId: products[0], quantity: '1', unitCost: '2.50' }),
});

await analyze();
const rawBatch = await rawLoop(rawSetBased);
// The same, one writer (faster than four here: see raw-receipt.ts); the ratio takes the fastest.
const rawBatchAlone = await rawLoop(rawSetBased, MS, 1);
const rawRow = await rawLoop((c) => rawReceipt(c, target, ids.slice(0, 1)));
await raw.end();

// Sanity: quants equal the moves for every product; layers equal the valuation.
const [check] = await env.sql<{ bad: string }>(
  `select count(*)::text as bad from inventory_quant q
    where q.tenant_id = $1 and q.location_id = $2 and q.quantity <> (
      select coalesce(sum(case when m.to_id = $2 then m.quantity else -m.quantity end), 0)
        from inventory_move m where m.tenant_id = $1 and m.product_id = q.product_id and m.state = 'done')`,
  [t.id, stock],
);
// The warehouse's open layers hold what its stock holds (WH/Stock is its only stock location
// here); and FIFO: no layer was touched while an older one of its product still had stock.
const [layerCheck] = await env.sql<{ bad: string; fifo: string }>(
  `select (select count(*) from inventory_quant q
            where q.tenant_id = $1 and q.location_id = $2 and q.quantity <> (
              select coalesce(sum(l.remaining), 0) from inventory_cost_layer l
               where l.tenant_id = $1 and l.product_id = q.product_id and l.warehouse_id = $3))::text as bad,
          (select count(*) from inventory_cost_layer a
            where a.tenant_id = $1 and a.remaining < a.quantity and exists (
              select 1 from inventory_cost_layer b
               where b.tenant_id = $1 and b.product_id = a.product_id and b.remaining > 0
                 and coalesce(b.warehouse_id, '00000000-0000-0000-0000-000000000000'::uuid) = coalesce(a.warehouse_id, '00000000-0000-0000-0000-000000000000'::uuid)
                 and (b.created_at, b.id) < (a.created_at, a.id)))::text as fifo`,
  [t.id, stock, warehouse],
);

// Moves per second from the count of operations done (the load's rps is rounded to whole requests,
// too coarse at a few 500-line operations a second); the run lasts MS plus the last operation's tail,
// counted conservatively as a whole p50.
const perSecond = (r: { requests: number; p50: number }) => (r.requests * LINES * 1000) / (MS + r.p50);
const batchReceipts = perSecond(receipts);
const batchDeliveries = perSecond(deliveries);
console.log(
  JSON.stringify(
    {
      loadAverageBefore: load0.map((x) => Math.round(x * 10) / 10),
      loadAverageAfter: loadavg().map((x) => Math.round(x * 10) / 10),
      concurrency: CONCURRENCY,
      ms: MS,
      linesPerOperation: LINES,
      products: PRODUCTS,
      batchReceiptMovesPerSecond: Math.round(batchReceipts),
      batchDeliveryMovesPerSecond: Math.round(batchDeliveries),
      rawSqlSetBasedMovesPerSecond: {
        beforeRest: rawBatchFirst,
        afterRest: rawBatch,
        afterRestOneWriter: rawBatchAlone,
      },
      rawSqlRowByRowMovesPerSecond: rawRow,
      batchReceiptsVsRawSetBased:
        Math.round((batchReceipts / Math.max(rawBatch, rawBatchFirst, rawBatchAlone)) * 100) / 100,
      operations: { receipts: receipts.requests, deliveries: deliveries.requests },
      receiptOperationP50ms: receipts.p50,
      deliveryOperationP50ms: deliveries.p50,
      oneLineOperationP50ms: one.p50,
      oneLineOperationsPerSecond: one.rps,
      oneMovePerRequestPerSecond: single.rps,
      perLineMsInReceipt: Math.round(((receipts.p50 - one.p50) / (LINES - 1)) * 1000) / 1000,
      errors: { receipts: receipts.errors, deliveries: deliveries.errors, one: one.errors, single: single.errors },
      quantsNotEqualToMoves: Number(check?.bad),
      quantsNotEqualToOpenLayers: Number(layerCheck?.bad),
      layersConsumedOutOfFifoOrder: Number(layerCheck?.fifo),
    },
    null,
    2,
  ),
);
await env.close();
