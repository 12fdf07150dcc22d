import { randomUUID } from 'node:crypto';
import {
  type ExchangeRate,
  inverseRate,
  isCurrency,
  NoExchangeRateError,
  NotFoundError,
  ValidationError,
} from '@elevate/sdk';

// A tenant's company currency and dated exchange rates (core-0013). Every statement names the
// tenant (the first line of defence; forced row-level security is the last).

export const MONEY_MANAGE = 'core.money.manage';
/** The company currency of a tenant that never chose one. */
export const DEFAULT_CURRENCY = 'USD';
/** Digits kept after the point: numeric(24, 12). */
const RATE_SCALE = 12;
const RATE = /^(\d{1,12})(?:\.(\d{1,12}))?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface RateRow {
  id: string;
  from: string;
  to: string;
  /** Decimal string without trailing zeros ("1.0825"). */
  rate: string;
  /** YYYY-MM-DD: valid from that day until a later rate of the pair. */
  validOn: string;
  createdAt: string;
  updatedAt: string;
}

type Detail = { path: string; message: string };

/** Statements in the caller's tenant transaction: a TenantTx, or `ctx.db` with the tenant id. */
export interface RateDb {
  readonly tenantId: string;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
}

/** A request context's transaction as a RateDb (GraphQL resolvers have no TenantTx of their own). */
export function contextDb(ctx: { tenant: { id: string }; db: { query: RateDb['query'] } }): RateDb {
  return { tenantId: ctx.tenant.id, query: (sql, params) => ctx.db.query(sql, params) };
}

/** "1.082500000000" → "1.0825"; "2.000000000000" → "2". */
export function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** A real calendar day (2024-02-30 is refused), as YYYY-MM-DD. */
export function isDay(s: unknown): s is string {
  const m = typeof s === 'string' ? DAY.exec(s) : null;
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === s && Number(m[1]) >= 1900 && Number(m[1]) <= 9999;
}

export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function currencyProblem(v: unknown, path: string): Detail | null {
  return isCurrency(v) ? null : { path, message: 'must be an ISO 4217 currency code like "EUR" (upper case)' };
}

interface RateInput {
  from?: string;
  to?: string;
  rate?: string;
  validOn?: string;
}

const KEYS = new Set(['from', 'to', 'rate', 'validOn']);

/** Checks a create (every field) or a patch; every problem names its field. */
export function checkRate(body: unknown, create: boolean): RateInput {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('Invalid request body', [{ path: '', message: 'must be an object' }]);
  }
  const b = body as Record<string, unknown>;
  const details: Detail[] = [];
  const out: RateInput = {};
  for (const k of Object.keys(b)) if (!KEYS.has(k)) details.push({ path: k, message: 'is not a known field' });
  for (const key of ['from', 'to'] as const) {
    if (b[key] === undefined && !create) continue;
    const p = currencyProblem(b[key], key);
    if (p) details.push(p);
    else out[key] = b[key] as string;
  }
  if (b.rate !== undefined || create) {
    const m = typeof b.rate === 'string' ? RATE.exec(b.rate) : null;
    if (!m) {
      details.push({
        path: 'rate',
        message: 'must be a decimal string like "1.0825" (up to 12 digits before and after the point)',
      });
    } else if (/^0*$/.test(m[1] as string) && /^0*$/.test(m[2] ?? '')) {
      details.push({ path: 'rate', message: 'must be greater than 0' });
    } else out.rate = b.rate as string;
  }
  if (b.validOn !== undefined || create) {
    if (!isDay(b.validOn)) details.push({ path: 'validOn', message: 'must be a date like "2025-01-31"' });
    else out.validOn = b.validOn as string;
  }
  if (out.from && out.to && out.from === out.to) {
    details.push({ path: 'to', message: 'must differ from "from"' });
  }
  if (details.length) throw new ValidationError('Invalid exchange rate', details);
  return out;
}

const COLUMNS = `id, from_currency as "from", to_currency as "to", rate::text as rate, valid_on::text as "validOn",
  created_at as "createdAt", updated_at as "updatedAt"`;

const shaped = (r: RateRow): RateRow => ({ ...r, rate: trimDecimal(r.rate) });

function duplicate(err: unknown, b: RateInput): never {
  if ((err as { code?: string }).code === '23505') {
    throw new ValidationError('Invalid exchange rate', [
      {
        path: 'validOn',
        message: `a ${b.from ?? ''}→${b.to ?? ''} rate for ${b.validOn ?? 'that day'} already exists`,
      },
    ]);
  }
  throw err;
}

export interface RateListQuery {
  from?: string | undefined;
  to?: string | undefined;
  limit: number;
  offset: number;
}

export const rateStore = {
  async list(tx: RateDb, q: RateListQuery): Promise<{ rows: RateRow[]; total: number }> {
    const params: unknown[] = [tx.tenantId];
    let where = 'tenant_id = $1';
    if (q.from) {
      params.push(q.from);
      where += ` and from_currency = $${params.length}`;
    }
    if (q.to) {
      params.push(q.to);
      where += ` and to_currency = $${params.length}`;
    }
    params.push(q.limit, q.offset);
    const rows = await tx.query<RateRow & { total: number }>(
      `select ${COLUMNS}, count(*) over ()::int as total from core_exchange_rate where ${where}
       order by valid_on desc, from_currency, to_currency, id limit $${params.length - 1} offset $${params.length}`,
      params,
    );
    let total = rows[0]?.total ?? 0;
    if (rows.length === 0 && q.offset > 0) {
      const c = await tx.query<{ n: number }>(
        `select count(*)::int as n from core_exchange_rate where ${where}`,
        params.slice(0, -2),
      );
      total = c[0]?.n ?? 0;
    }
    return { rows: rows.map(({ total: _, ...r }) => shaped(r)), total };
  },

  async get(tx: RateDb, id: string): Promise<RateRow> {
    if (!UUID.test(id)) throw new NotFoundError('Exchange rate');
    const rows = await tx.query<RateRow>(`select ${COLUMNS} from core_exchange_rate where tenant_id = $1 and id = $2`, [
      tx.tenantId,
      id,
    ]);
    if (!rows[0]) throw new NotFoundError('Exchange rate');
    return shaped(rows[0]);
  },

  async create(tx: RateDb, body: unknown): Promise<RateRow> {
    const b = checkRate(body, true);
    const rows = await tx
      .query<RateRow>(
        `insert into core_exchange_rate (tenant_id, id, from_currency, to_currency, rate, valid_on)
         values ($1, $2, $3, $4, $5::numeric, $6::date) returning ${COLUMNS}`,
        [tx.tenantId, randomUUID(), b.from, b.to, b.rate, b.validOn],
      )
      .catch((err) => duplicate(err, b));
    return shaped(rows[0] as RateRow);
  },

  async update(tx: RateDb, id: string, body: unknown): Promise<RateRow> {
    const before = await rateStore.get(tx, id);
    const b = checkRate(body, false);
    const next = { ...before, ...b };
    if (next.from === next.to) {
      throw new ValidationError('Invalid exchange rate', [{ path: 'to', message: 'must differ from "from"' }]);
    }
    const rows = await tx
      .query<RateRow>(
        `update core_exchange_rate set from_currency = $3, to_currency = $4, rate = $5::numeric, valid_on = $6::date,
           updated_at = now() where tenant_id = $1 and id = $2 returning ${COLUMNS}`,
        [tx.tenantId, id, next.from, next.to, next.rate, next.validOn],
      )
      .catch((err) => duplicate(err, next));
    return shaped(rows[0] as RateRow);
  },

  async remove(tx: RateDb, id: string): Promise<void> {
    await rateStore.get(tx, id);
    await tx.query('delete from core_exchange_rate where tenant_id = $1 and id = $2', [tx.tenantId, id]);
  },

  /**
   * The latest from → to rate on or before `date`; else the inverse of the latest to → from one;
   * "1" for the same currency. NoExchangeRateError (422) when neither exists.
   */
  async lookup(tx: RateDb, from: string, to: string, date: string): Promise<ExchangeRate> {
    if (from === to) return { from, to, rate: '1', validOn: date, inverse: false };
    const rows = await tx.query<{ from: string; rate: string; validOn: string }>(
      `(select from_currency as "from", rate::text as rate, valid_on::text as "validOn" from core_exchange_rate
         where tenant_id = $1 and from_currency = $2 and to_currency = $3 and valid_on <= $4::date
         order by valid_on desc limit 1)
       union all
       (select from_currency, rate::text, valid_on::text from core_exchange_rate
         where tenant_id = $1 and from_currency = $3 and to_currency = $2 and valid_on <= $4::date
         order by valid_on desc limit 1)`,
      [tx.tenantId, from, to, date],
    );
    const direct = rows.find((r) => r.from === from);
    if (direct) return { from, to, rate: trimDecimal(direct.rate), validOn: direct.validOn, inverse: false };
    const opposite = rows[0];
    if (!opposite) throw new NoExchangeRateError(from, to, date);
    return {
      from,
      to,
      rate: trimDecimal(inverseRate(opposite.rate, RATE_SCALE)),
      validOn: opposite.validOn,
      inverse: true,
    };
  },

  async companyCurrency(tx: RateDb): Promise<string> {
    const rows = await tx.query<{ currency: string }>('select currency from core_money_settings where tenant_id = $1', [
      tx.tenantId,
    ]);
    return rows[0]?.currency ?? DEFAULT_CURRENCY;
  },

  async setCompanyCurrency(tx: RateDb, body: unknown): Promise<{ currency: string }> {
    const b = (body ?? {}) as Record<string, unknown>;
    const details: Detail[] = [];
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      details.push({ path: '', message: 'must be an object' });
    } else {
      for (const k of Object.keys(b)) if (k !== 'currency') details.push({ path: k, message: 'is not a known field' });
      const p = currencyProblem(b.currency, 'currency');
      if (p) details.push(p);
    }
    if (details.length) throw new ValidationError('Invalid money settings', details);
    await tx.query(
      `insert into core_money_settings (tenant_id, currency) values ($1, $2)
       on conflict (tenant_id) do update set currency = excluded.currency, updated_at = now()`,
      [tx.tenantId, b.currency],
    );
    return { currency: b.currency as string };
  },
};
