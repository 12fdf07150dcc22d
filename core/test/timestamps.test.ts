import { createPools, isoTimestamp, loadConfig } from '@elevate/core';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Timestamps are read as ISO strings without going through `new Date(text)` when PostgreSQL
// writes them in UTC. Whatever the session time zone, the string must name the same
// millisecond PostgreSQL holds (truncated from microseconds, as Date does).
let env: TestEnv;
let pools: ReturnType<typeof createPools>;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [], workers: false });
  pools = createPools(loadConfig({ DATABASE_URL: env.databaseUrl, DATABASE_POOL_SIZE: '1' }));
});
afterAll(async () => {
  await pools?.close();
  await env?.close();
});

const VALUES = [
  '2026-12-01 14:34:05.123456+00',
  '2026-12-01 14:34:05+00',
  '2026-12-01 14:34:05.1+00',
  '2026-12-01 14:34:05.999999+00',
  '1969-12-31 23:59:59.000001+00',
  '9999-12-31 23:59:59.999+00',
];
/** Years below 100 (which `new Date(text)` read as 19xx); UTC only: in other zones PostgreSQL
 * writes such dates with a local-mean-time offset in seconds (`+05:53:28`), which Date cannot read. */
const ANCIENT = ['0050-06-01 12:00:00.5+00', '0001-01-01 00:00:00+00'];

/** PostgreSQL's own answer: the epoch in milliseconds, truncated. */
const expected = (epochMs: string) => new Date(Number(epochMs)).toISOString();

describe('timestamp parsing', () => {
  for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns']) {
    it(`timestamptz and timestamp read as the instant PostgreSQL holds (session time zone ${zone})`, async () => {
      const c = await pools.app.connect();
      try {
        await c.query(`set time zone '${zone}'`);
        const { rows } = await c.query<{ tz: string; ts: string; ms: string; text: string }>(
          `select v::timestamptz as tz, (v::timestamptz at time zone 'UTC') as ts, v::timestamptz::text as text,
             floor(extract(epoch from v::timestamptz) * 1000)::text as ms
           from unnest($1::text[]) v`,
          [zone === 'UTC' ? [...VALUES, ...ANCIENT] : VALUES],
        );
        expect(rows.length).toBeGreaterThanOrEqual(VALUES.length);
        for (const r of rows) {
          expect(r.tz, r.text).toBe(expected(r.ms));
          expect(r.ts, r.text).toBe(expected(r.ms));
        }
      } finally {
        await c.query('reset time zone');
        c.release();
      }
    });
  }

  it('agrees with Date on the text forms PostgreSQL writes (years 1000-9999, 0-6 fraction digits, other offsets)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 5000; i++) {
      const iso = new Date(Date.UTC(1000, 0, 1) + Math.floor(rand() * 2.5e14)).toISOString();
      const digits = Math.floor(rand() * 7);
      const frac = digits
        ? `.${`${iso.slice(20, 23)}${String(Math.floor(rand() * 1000)).padStart(3, '0')}`.slice(0, digits)}`
        : '';
      const text = `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac.replace(/0+$/, '').replace(/\.$/, '')}`;
      expect(isoTimestamp(text, false), text).toBe(new Date(`${text}Z`).toISOString());
      expect(isoTimestamp(`${text}+00`, true), text).toBe(new Date(`${text}+00`).toISOString());
      expect(isoTimestamp(`${text}+05:30`, true), text).toBe(new Date(`${text}+05:30`).toISOString());
    }
  });
});
