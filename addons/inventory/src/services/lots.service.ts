import { randomUUID } from 'node:crypto';
import type { SystemContext } from '@elevate/sdk';
import { lotErrors } from '../errors.ts';
import type { LocationRow } from '../models/location.model.ts';
import { Lot, type LotRow } from '../models/lot.model.ts';
import type { ProductRow } from '../models/product.model.ts';
import { format, parse } from './decimal.ts';

// Lots and serial numbers on moves. A tracked product's move carries one lot; a line of several
// lots becomes one move per lot. Goods coming into stock name their lots (new names are created);
// goods leaving a stocked location name theirs or get the oldest first (earliest expiry, then the
// oldest lot). Lot quants (inventory_lot_quant) are changed by single conditional statements, as
// product quants are (quants.sql.ts), and always before them, so every path locks in one order.

/** A lot as a caller names it on a line: an existing id, or a name (created when goods come in). */
export interface LotEntry {
  lotId?: string | null;
  name?: string | null;
  /** New lots only. */
  expiresAt?: string | null;
  /** In the stock unit. Serial: 1 (default). Lot: required when a line has several lots. */
  quantity?: string | null;
}

/** What a line says about its lots: `lots`, or the `lotId` / `lotName` shorthand for one. */
export interface LotFields {
  lots?: LotEntry[] | null;
  lotId?: string | null;
  lotName?: string | null;
  /** The field errors name when no lot is given (default `lots`). */
  emptyPath?: string;
}

export interface LotPart {
  lotId: string;
  name: string;
  quantity: string;
}

/** The part of a line the lots need: the product, both ends and the quantity in the stock unit. */
export interface LotLine {
  product: ProductRow;
  from: LocationRow;
  to: LocationRow;
  quantity: string;
}

const STOCKED = new Set(['internal', 'transit']);
const entriesOf = (f: LotFields): LotEntry[] =>
  f.lots?.length ? f.lots : f.lotId ? [{ lotId: f.lotId }] : f.lotName ? [{ name: f.lotName }] : [];
/** Where a line's lots are named: `lots` when given so, else the shorthand's field. */
const lotsPath = (f: LotFields, at: string) =>
  `${at}${f.lots?.length ? 'lots' : f.lotId ? 'lotId' : f.lotName ? 'lotName' : (f.emptyPath ?? 'lots')}`;
const entryPath = (f: LotFields, at: string, j: number, key: string) =>
  f.lots?.length ? `${at}lots.${j}.${key}` : lotsPath(f, at);

export const isTracked = (p: ProductRow) => p.tracking === 'lot' || p.tracking === 'serial';

/**
 * The lots of one line, each with its quantity: `at` prefixes the field names of errors
 * (`lines.3.`, or '' for one move). Goods into stock from outside must name theirs; goods out of
 * (or between) stocked locations name theirs or take the oldest first. Locks the lot quants taken.
 */
export async function lotsOfLine(
  ctx: SystemContext,
  line: LotLine,
  fields: LotFields,
  at: string,
  draft = false,
): Promise<LotPart[]> {
  const entries = entriesOf(fields);
  const { product } = line;
  if (!isTracked(product)) {
    if (entries.length) throw lotErrors.untracked(lotsPath(fields, at), product.sku);
    return [];
  }
  // A draft names its lots when it likes; validation asks for them (or picks the oldest).
  if (draft && !entries.length) return [];
  const out = STOCKED.has(line.from.usage);
  if (!entries.length) {
    if (!out) throw lotErrors.required(lotsPath(fields, at), product.sku);
    return oldestFirst(ctx, line, lotsPath(fields, at));
  }
  const quantities = splitQuantities(product, line.quantity, entries, fields, at);
  const lots = await resolveNamed(ctx, product, entries, fields, at, !out);
  return lots.map((l, j) => ({ lotId: l.id, name: l.name, quantity: quantities[j] as string }));
}

function splitQuantities(
  product: ProductRow,
  quantity: string,
  entries: LotEntry[],
  fields: LotFields,
  at: string,
): string[] {
  const serial = product.tracking === 'serial';
  const qs = entries.map((e, j) => {
    const path = entryPath(fields, at, j, 'quantity');
    if (serial) {
      if (e.quantity != null && parse(e.quantity) !== parse('1')) throw lotErrors.serialQuantity(path);
      return parse('1');
    }
    if (e.quantity == null) {
      if (entries.length === 1) return parse(quantity);
      throw lotErrors.total(`${at}lots`, format(parse(quantity)), 'an unknown quantity');
    }
    if (parse(e.quantity) <= 0n) throw lotErrors.total(path, 'more than 0', format(parse(e.quantity)));
    return parse(e.quantity);
  });
  const sum = qs.reduce((a, b) => a + b, 0n);
  if (sum !== parse(quantity)) {
    if (serial && !fields.lots?.length) throw lotErrors.serialQuantity(`${at}quantity`);
    throw serial
      ? lotErrors.serialCount(lotsPath(fields, at), format(parse(quantity)).replace(/\.0+$/, ''), entries.length)
      : lotErrors.total(lotsPath(fields, at), format(parse(quantity)), format(sum));
  }
  return qs.map((q) => format(q));
}

/** The named lots of a product; names not found are created when `create` (goods coming in). */
async function resolveNamed(
  ctx: SystemContext,
  product: ProductRow,
  entries: LotEntry[],
  fields: LotFields,
  at: string,
  create: boolean,
): Promise<LotRow[]> {
  const ids = entries.flatMap((e) => (e.lotId ? [e.lotId] : []));
  const byId = new Map(
    (ids.length ? await ctx.db.repo(Lot).getMany(ids) : []).filter((l): l is LotRow => !!l).map((l) => [l.id, l]),
  );
  const names = entries.flatMap((e) => (!e.lotId && e.name ? [e.name.trim()] : []));
  const byName = new Map((await lotsNamed(ctx, product.id, names)).map((l) => [l.name, l]));
  const missing = [...new Set(names.filter((n) => !byName.has(n)))];
  if (missing.length && create) {
    const expiry = new Map(entries.map((e) => [e.name?.trim(), e.expiresAt ?? null]));
    // A receipt running at the same time may create the same name: then both use the one lot.
    await ctx.db.query(
      `insert into inventory_lot (tenant_id, product_id, name, expires_at, created_by)
       select $1, $2, d.name, d.expires_at, nullif(current_setting('app.user_id', true), '')::uuid
         from unnest($3::text[], $4::date[]) d(name, expires_at)
       on conflict (tenant_id, product_id, name) do nothing`,
      [ctx.tenant.id, product.id, missing, missing.map((n) => expiry.get(n) ?? null)],
    );
    for (const l of await lotsNamed(ctx, product.id, missing)) byName.set(l.name, l);
  }
  const seen = new Set<string>();
  return entries.map((e, j) => {
    let lot: LotRow | undefined;
    if (e.lotId) {
      lot = byId.get(e.lotId);
      if (!lot) throw lotErrors.notFound(entryPath(fields, at, j, 'lotId'));
      if (lot.product !== product.id) throw lotErrors.otherProduct(entryPath(fields, at, j, 'lotId'), product.sku);
    } else {
      const name = e.name?.trim() ?? '';
      lot = byName.get(name);
      if (!lot) throw lotErrors.notFound(entryPath(fields, at, j, 'name'));
    }
    if (seen.has(lot.id)) throw lotErrors.twice(entryPath(fields, at, j, e.lotId ? 'lotId' : 'name'), lot.name);
    seen.add(lot.id);
    return lot;
  });
}

/**
 * One lot of a product named by id or by name (a count, a scan): a name not known yet is created
 * when `create` (goods found that no receipt named). Errors name `path`.
 */
export async function lotOfProduct(
  ctx: SystemContext,
  product: ProductRow,
  given: { lotId?: string | null; lotName?: string | null },
  create: boolean,
): Promise<LotRow> {
  const fields: LotFields = { lotId: given.lotId ?? null, lotName: given.lotName ?? null, emptyPath: 'lotId' };
  if (!given.lotId && !given.lotName?.trim()) throw lotErrors.required('lotId', product.sku);
  const [lot] = await resolveNamed(ctx, product, entriesOf(fields), fields, '', create);
  return lot as LotRow;
}

async function lotsNamed(ctx: SystemContext, productId: string, names: string[]): Promise<LotRow[]> {
  if (!names.length) return [];
  return ctx.db.repo(Lot).find({ where: { product: productId, name: { in: names } } });
}

/** The oldest lots first (earliest expiry, then the oldest lot) until the quantity is covered; locked. */
async function oldestFirst(ctx: SystemContext, line: LotLine, path: string): Promise<LotPart[]> {
  const rows = await ctx.db.query<{ lot_id: string; name: string; free: string }>(
    `select lq.lot_id, l.name, (lq.quantity - lq.reserved)::text as free
       from inventory_lot_quant lq
       join inventory_lot l on l.tenant_id = lq.tenant_id and l.id = lq.lot_id
      where lq.tenant_id = $1 and lq.product_id = $2 and lq.location_id = $3 and lq.quantity - lq.reserved > 0
      order by l.expires_at nulls last, l.created_at, l.id
      for update of lq`,
    [ctx.tenant.id, line.product.id, line.from.id],
  );
  let left = parse(line.quantity);
  const parts: LotPart[] = [];
  for (const r of rows) {
    if (left <= 0n) break;
    const free = parse(r.free);
    // biome-ignore lint/complexity/useMathMinMax: bigints (Math.min takes numbers)
    const take = free < left ? free : left;
    parts.push({ lotId: r.lot_id, name: r.name, quantity: format(take) });
    left -= take;
  }
  if (left > 0n) {
    const free = rows.reduce((a, r) => a + parse(r.free), 0n);
    throw lotErrors.short(path, line.product.sku, '', line.from.fullName, format(parse(line.quantity)), format(free));
  }
  return parts;
}

/**
 * Serials coming into stock from outside must not be on hand already; `paths` names each one's
 * field. Locks the serials' rows so two receipts of one serial at once cannot both pass.
 */
export async function checkSerialsIn(ctx: SystemContext, serials: { lotId: string; name: string; path: string }[]) {
  if (!serials.length) return;
  const seen = new Map<string, string>();
  for (const s of serials) {
    if (seen.has(s.lotId)) throw lotErrors.twice(s.path, s.name);
    seen.set(s.lotId, s.path);
  }
  const ids = [...seen.keys()].sort();
  await ctx.db.query(
    `select id from inventory_lot where tenant_id = $1 and id = any($2::uuid[]) order by id for update`,
    [ctx.tenant.id, ids],
  );
  const held = await ctx.db.query<{ lot_id: string; name: string; location: string }>(
    `select lq.lot_id, l.name, loc.full_name as location
       from inventory_lot_quant lq
       join inventory_lot l on l.tenant_id = lq.tenant_id and l.id = lq.lot_id
       join inventory_location loc on loc.tenant_id = lq.tenant_id and loc.id = lq.location_id
      where lq.tenant_id = $1 and lq.lot_id = any($2::uuid[]) and lq.quantity > 0
      order by l.name limit 1`,
    [ctx.tenant.id, ids],
  );
  const h = held[0];
  if (h) throw lotErrors.serialOnHand(seen.get(h.lot_id) as string, h.name, h.location);
}

/** One change of a lot's stock at a stocked location (negative: taken; `fromReserved` of it was held). */
export interface LotDelta {
  productId: string;
  sku: string;
  lotId: string;
  lotName: string;
  location: LocationRow;
  delta: bigint;
  fromReserved: bigint;
  path: string;
}

/** Changes lot quants, in (lot, location) order; a take that more than what is free refuses all (409). */
export async function applyLotDeltas(ctx: SystemContext, deltas: LotDelta[]): Promise<void> {
  const merged = new Map<string, LotDelta>();
  for (const d of deltas) {
    const key = `${d.lotId}|${d.location.id}`;
    const m = merged.get(key);
    if (m) {
      m.delta += d.delta;
      m.fromReserved += d.fromReserved;
    } else merged.set(key, { ...d });
  }
  const sorted = [...merged.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
  for (const d of sorted) {
    if (d.delta === 0n && d.fromReserved === 0n) continue;
    if (d.delta >= 0n) {
      await ctx.db.query(
        `insert into inventory_lot_quant (tenant_id, product_id, lot_id, location_id, quantity, reserved)
         values ($1, $2, $3, $4, $5::numeric, 0)
         on conflict (tenant_id, lot_id, location_id)
         do update set quantity = inventory_lot_quant.quantity + excluded.quantity,
                       reserved = inventory_lot_quant.reserved - $6::numeric, updated_at = now()`,
        [ctx.tenant.id, d.productId, d.lotId, d.location.id, format(d.delta), format(d.fromReserved)],
      );
      continue;
    }
    const take = format(-d.delta);
    // Lots never go below zero, whatever the company's negative-stock policy: a lot is a real batch.
    const rows = await ctx.db.query(
      `update inventory_lot_quant
          set quantity = quantity - $4::numeric, reserved = reserved - $5::numeric, updated_at = now()
        where tenant_id = $1 and lot_id = $2 and location_id = $3
          and quantity - reserved >= $4::numeric - $5::numeric
        returning id`,
      [ctx.tenant.id, d.lotId, d.location.id, take, format(d.fromReserved)],
    );
    if (!rows.length) {
      const [now] = await lotQuantAt(ctx, d.lotId, d.location.id);
      const free = now ? parse(now.quantity) - parse(now.reserved) + d.fromReserved : 0n;
      throw lotErrors.short(d.path, d.sku, d.lotName, d.location.fullName, take, format(free));
    }
  }
}

export function lotQuantAt(ctx: SystemContext, lotId: string, locationId: string) {
  return ctx.db.query<{ quantity: string; reserved: string }>(
    `select quantity::text, reserved::text from inventory_lot_quant where tenant_id = $1 and lot_id = $2 and location_id = $3`,
    [ctx.tenant.id, lotId, locationId],
  );
}

/** Holds `qty` of a lot at a location; false when less is free. */
export async function reserveLot(ctx: SystemContext, lotId: string, locationId: string, qty: string, sign: 1 | -1) {
  const rows = await ctx.db.query(
    sign === 1
      ? `update inventory_lot_quant set reserved = reserved + $4::numeric, updated_at = now()
          where tenant_id = $1 and lot_id = $2 and location_id = $3 and quantity - reserved >= $4::numeric returning id`
      : `update inventory_lot_quant set reserved = greatest(reserved - $4::numeric, 0), updated_at = now()
          where tenant_id = $1 and lot_id = $2 and location_id = $3 returning id`,
    [ctx.tenant.id, lotId, locationId, qty],
  );
  return rows.length > 0;
}

/** A line ready to be done, as operations and single moves both hold it. */
export interface LottedLine extends LotLine {
  moveId: string;
  uom: string | null;
  uomQuantity: string | null;
  lotId: string | null;
  /** The lot's name and where errors about it point (`lines.2.lots`). */
  lotName?: string;
  lotPath?: string;
}

/**
 * Gives every line of a tracked product its lot, splitting a line of several lots into one line
 * per lot (the first keeps its move id), and checks that serials coming in are not on hand.
 */
export async function assignLots<L extends LottedLine>(
  ctx: SystemContext,
  lines: L[],
  fieldsOf: (i: number) => LotFields,
  at: (i: number) => string,
  draft = false,
): Promise<L[]> {
  const out: L[] = [];
  const serialsIn: { lotId: string; name: string; path: string }[] = [];
  for (const [i, line] of lines.entries()) {
    const fields = fieldsOf(i);
    const parts = await lotsOfLine(ctx, line, fields, at(i), draft);
    if (!parts.length) {
      out.push(line);
      continue;
    }
    const one = parts.length === 1;
    parts.forEach((p, j) => {
      out.push({
        ...line,
        moveId: j === 0 ? line.moveId : randomUUID(),
        quantity: p.quantity,
        // A split line's quantities are in the stock unit; one lot keeps the unit as entered.
        uom: one ? line.uom : null,
        uomQuantity: one ? line.uomQuantity : null,
        lotId: p.lotId,
        lotName: p.name,
        lotPath: lotsPath(fields, at(i)),
      });
      if (line.product.tracking === 'serial' && !STOCKED.has(line.from.usage) && STOCKED.has(line.to.usage)) {
        serialsIn.push({
          lotId: p.lotId,
          name: p.name,
          path: entryPath(fields, at(i), j, fields.lots?.length ? (fields.lots[j]?.lotId ? 'lotId' : 'name') : ''),
        });
      }
    });
  }
  await checkSerialsIn(ctx, serialsIn);
  return out;
}

/** The lot changes of done lines: out of stocked sources, into stocked destinations. */
export function lotDeltasOf(lines: LottedLine[]): LotDelta[] {
  const out: LotDelta[] = [];
  for (const l of lines) {
    if (!l.lotId) continue;
    const base = {
      productId: l.product.id,
      sku: l.product.sku,
      lotId: l.lotId,
      lotName: l.lotName ?? '',
      fromReserved: 0n,
      path: l.lotPath ?? 'lotId',
    };
    if (STOCKED.has(l.from.usage)) out.push({ ...base, location: l.from, delta: -parse(l.quantity) });
    if (STOCKED.has(l.to.usage)) out.push({ ...base, location: l.to, delta: parse(l.quantity) });
  }
  return out;
}
