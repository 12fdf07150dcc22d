// inventory benchmark, batch path: valued moves per second through POST /operations (a receipt or
// delivery of LINES lines in one request and one transaction: auth, RLS, permissions, validation,
// set-based quants, FIFO cost layers, outbox events), compared in the same run with raw SQL writing
// the same rows as the database owner (no RLS, no checks): set-based (one transaction per batch,
// unnest) and row by row (one transaction per move). Also: one move per request (POST /receipts),
// and a one-line operation, to split a request's fixed cost from its cost per line.
//   pnpm exec tsx addons/inventory/bench/operations.bench.ts   (BENCH_MS=5000, LINES=500, PRODUCTS=50)
import { loadavg } from 'node:os';
import { bootTestKernel } from '@elevate/testkit';
import { spawnLoad } from '@elevate/testkit/load';
import pg from 'pg';
import { inventory } from '../src/index.ts';

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

// Raw SQL, the same rows, same concurrency, as the owner: set-based per batch (one transaction
// per 500 rows, unnest), and row by row (one transaction per move).
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: CONCURRENCY });
async function rawLoop(body: (c: pg.PoolClient) => Promise<number>) {
  let moves = 0;
  const end = performance.now() + MS;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
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
const perProduct = products.map((p) => ids.filter((x) => x === p).length);

async function rawSetBased(c: pg.PoolClient) {
  await c.query('begin');
  const m = await c.query<{ id: string; product_id: string }>(
    `insert into inventory_move (tenant_id, product_id, quantity, from_id, to_id, state, kind, unit_cost, value, done_at)
     select $1, p, 1, $3, $4, 'done', 'receipt', 2.5, 2.5, now() from unnest($2::uuid[]) p returning id, product_id`,
    [t.id, ids, supplier, stock],
  );
  await c.query(
    `insert into inventory_cost_layer (tenant_id, product_id, move_id, warehouse_id, quantity, remaining, unit_cost, remaining_value)
     select $1, d.p, d.m, $4, 1, 1, 2.5, 2.5 from unnest($2::uuid[], $3::uuid[]) d(p, m)`,
    [t.id, m.rows.map((r) => r.product_id), m.rows.map((r) => r.id), warehouse],
  );
  await c.query(
    `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved)
     select $1, d.p, $3, d.q, 0 from unnest($2::uuid[], $4::numeric[]) d(p, q) order by d.p
     on conflict (tenant_id, product_id, location_id) do update set quantity = inventory_quant.quantity + excluded.quantity`,
    [t.id, products, stock, perProduct],
  );
  await c.query('commit');
  return LINES;
}
// Before the REST runs and again after them (the tables have grown by then).
const rawBatchFirst = await rawLoop(rawSetBased);
// 1. Batch receipts (each line a valued move in: a cost layer) and batch deliveries (FIFO consumption).
await spawnLoad({ ...run, ms: 1000, body: receiptBody });
const receipts = await spawnLoad({ ...run, body: receiptBody });
// Enough stock that no delivery is refused; deliveries consume the 1-unit layers first.
await call('POST', '/operations', {
  kind: 'receipt',
  lines: products.map((productId) => ({ productId, quantity: '1000000', unitCost: '2.00' })),
});
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

const rawBatch = await rawLoop(rawSetBased);
const rawRow = await rawLoop(async (c) => {
  await c.query('begin');
  const m = await c.query(
    `insert into inventory_move (tenant_id, product_id, quantity, from_id, to_id, state, kind, unit_cost, value, done_at)
     values ($1, $2, 1, $3, $4, 'done', 'receipt', 2.5, 2.5, now()) returning id`,
    [t.id, products[0], supplier, stock],
  );
  await c.query(
    `insert into inventory_cost_layer (tenant_id, product_id, move_id, warehouse_id, quantity, remaining, unit_cost, remaining_value)
     values ($1, $2, $3, $4, 1, 1, 2.5, 2.5)`,
    [t.id, products[0], m.rows[0].id, warehouse],
  );
  await c.query(
    `insert into inventory_quant (tenant_id, product_id, location_id, quantity, reserved) values ($1, $2, $3, 1, 0)
     on conflict (tenant_id, product_id, location_id) do update set quantity = inventory_quant.quantity + 1`,
    [t.id, products[0], stock],
  );
  await c.query('commit');
  return 1;
});
await raw.end();

// Sanity: quants equal the moves for every product; layers equal the valuation.
const [check] = await env.sql<{ bad: string }>(
  `select count(*)::text as bad from inventory_quant q
    where q.tenant_id = $1 and q.location_id = $2 and q.quantity <> (
      select coalesce(sum(case when m.to_id = $2 then m.quantity else -m.quantity end), 0)
        from inventory_move m where m.tenant_id = $1 and m.product_id = q.product_id and m.state = 'done')`,
  [t.id, stock],
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
      rawSqlSetBasedMovesPerSecond: { beforeRest: rawBatchFirst, afterRest: rawBatch },
      rawSqlRowByRowMovesPerSecond: rawRow,
      batchReceiptsVsRawSetBased: Math.round((batchReceipts / Math.max(rawBatch, rawBatchFirst)) * 100) / 100,
      operations: { receipts: receipts.requests, deliveries: deliveries.requests },
      receiptOperationP50ms: receipts.p50,
      deliveryOperationP50ms: deliveries.p50,
      oneLineOperationP50ms: one.p50,
      oneLineOperationsPerSecond: one.rps,
      oneMovePerRequestPerSecond: single.rps,
      perLineMsInReceipt: Math.round(((receipts.p50 - one.p50) / (LINES - 1)) * 1000) / 1000,
      errors: { receipts: receipts.errors, deliveries: deliveries.errors, one: one.errors, single: single.errors },
      quantsNotEqualToMoves: Number(check?.bad),
    },
    null,
    2,
  ),
);
await env.close();
