// sales benchmark: invoices posted per second over REST (authentication, RLS, record rules, the
// conditional state change, the gap-free number from the per-company counter row — locked until
// commit, so every post of the year waits its turn on it —, the company currency and rate, the due
// part, the payment status, the outbox event), against raw SQL doing the same writes in one
// transaction per invoice as the database owner (no RLS, no checks), in the same run.
//   pnpm exec tsx addons/sales/bench/post.bench.ts      (BENCH_INVOICES=200 by default)
import { crm } from '@elevate/crm';
import { inventory } from '@elevate/inventory';
import { bootTestKernel } from '@elevate/testkit';
import pg from 'pg';
import { sales } from '../src/index.ts';

const N = Number(process.env.BENCH_INVOICES ?? 200);
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
const term = await call('POST', '/api/v1/sales/payment-terms', {
  name: '30 days',
  parts: [{ percent: '100', days: 30 }],
});

async function pool<T>(items: T[], work: (x: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Draft invoices of confirmed one-line orders (a service line: no stock involved). */
const drafts = async (n: number) => {
  const ids: string[] = [];
  await pool(
    Array.from({ length: n }, (_, i) => i),
    async (i) => {
      const o = await call('POST', '/api/v1/sales/orders', {
        contactId: contact.id,
        lines: [{ description: `Service ${i}`, unitPrice: '100.01' }],
      });
      await call('POST', `/api/v1/sales/orders/${o.id}/confirm`);
      const inv = await call('POST', `/api/v1/sales/orders/${o.id}/invoices`, {
        invoiceDate: '2030-01-15',
        paymentTermId: term.id,
      });
      ids.push(inv.id);
    },
  );
  return ids;
};
const restIds = await drafts(N);
const rawIds = await drafts(N);
await env.sql('vacuum analyze');

let t0 = performance.now();
await pool(restIds, async (id) => void (await call('POST', `/api/v1/sales/invoices/${id}/post`)));
const restRate = Math.round((N / (performance.now() - t0)) * 1000);

const raw = new pg.Pool({ connectionString: env.databaseUrl, max: CONCURRENCY });
t0 = performance.now();
await pool(rawIds, async (id) => {
  const c = await raw.connect();
  try {
    await c.query('begin');
    const inv = (
      await c.query(
        `update sales_invoice set state = 'posted', posted_at = now(), invoice_date = coalesce(invoice_date, current_date)
          where tenant_id = $1 and id = $2 and state = 'draft'
          returning invoice_date::text as date, amount_total::text as total, amount_tax::text as tax, kind, payment_term_id`,
        [t.id, id],
      )
    ).rows[0];
    await c.query('select count(*) from sales_invoice_line where tenant_id = $1 and invoice_id = $2', [t.id, id]);
    const year = inv.date.slice(0, 4);
    const seq = await c.query(
      `insert into sales_sequence (tenant_id, id, key, last) values ($1, gen_random_uuid(), $2, 1)
       on conflict (tenant_id, key) do update set last = sales_sequence.last + 1, updated_at = now() returning last`,
      [t.id, `raw/${year}`],
    );
    const parts = (
      await c.query('select parts from sales_payment_term where tenant_id = $1 and id = $2', [
        t.id,
        inv.payment_term_id,
      ])
    ).rows[0].parts as { days: number }[];
    const currency = (await c.query('select currency from core_money_settings where tenant_id = $1', [t.id])).rows[0]
      ?.currency;
    await c.query(
      `insert into sales_installment (tenant_id, id, invoice_id, sequence, due_date, amount)
       values ($1, gen_random_uuid(), $2, 0, $3::date + $4::int, $5)`,
      [t.id, id, inv.date, parts[0]?.days ?? 0, inv.total],
    );
    await c.query(
      `update sales_invoice set number = $3, due_date = $4::date + $5::int, company_currency = $6, exchange_rate = 1,
              rate_date = $4, amount_untaxed_company = $7::numeric - $8::numeric, amount_tax_company = $8, amount_total_company = $7
        where tenant_id = $1 and id = $2`,
      [
        t.id,
        id,
        `RAW/${year}/${String(seq.rows[0].last).padStart(5, '0')}`,
        inv.date,
        parts[0]?.days ?? 0,
        currency ?? 'USD',
        inv.total,
        inv.tax,
      ],
    );
    await c.query(
      `update sales_invoice set payment_status = 'unpaid', amount_residual = amount_total - amount_paid where tenant_id = $1 and id = $2`,
      [t.id, id],
    );
    await c.query(
      `insert into core_outbox (tenant_id, kind, name, aggregate_id, payload) values ($1, 'event', 'sales.invoice.posted', $2, '{}')`,
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

// Both runs numbered 1..N with no gap and no duplicate.
const numbers = await env.sql<{ prefix: string; n: number; distinct: number; max: number }>(
  `select split_part(number, '/', 1) as prefix, count(*)::int as n, count(distinct number)::int as distinct,
          max(split_part(number, '/', 3)::int) as max
     from sales_invoice where tenant_id = $1 and number is not null group by 1 order by 1`,
  [t.id],
);
console.log(
  JSON.stringify(
    {
      invoices: N,
      concurrency: CONCURRENCY,
      restPostsPerSecond: restRate,
      rawSqlPostsPerSecond: rawRate,
      restVsRaw: Math.round((restRate / rawRate) * 100) / 100,
      gapFreeBothRuns: numbers.every((r) => r.n === N && r.distinct === N && r.max === N),
      loadAverage: (await import('node:os')).loadavg().map((x) => Math.round(x * 10) / 10),
    },
    null,
    2,
  ),
);
await env.close();
