import type { ApiClient, TestEnv, TestTenant } from '@elevate/testkit';

export const API = '/api/v1/inventory';

/** The tenant's seeded locations and units, by name. */
export async function setupOf(client: ApiClient) {
  const locs = (await client.get(`${API}/locations?limit=200`)).body.data as { id: string; fullName: string }[];
  const uoms = (await client.get(`${API}/uoms?limit=200`)).body.data as { id: string; name: string }[];
  const loc = (name: string) => {
    const l = locs.find((x) => x.fullName === name);
    if (!l) throw new Error(`no location ${name}: ${locs.map((x) => x.fullName).join(', ')}`);
    return l.id;
  };
  const uom = (name: string) => uoms.find((u) => u.name === name)?.id as string;
  return { loc, uom, stock: loc('WH/Stock') };
}

let n = 0;
export async function newProduct(t: TestTenant | { client: ApiClient }, extra: Record<string, unknown> = {}) {
  n += 1;
  const res = await t.client.post(`${API}/products`, { sku: `SKU-${Date.now()}-${n}`, name: `Product ${n}`, ...extra });
  if (res.status !== 201) throw new Error(`product: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; sku: string; uom: string };
}

/** The invariant: every quant equals the done moves into its location minus those out of it (rows that differ). */
export async function quantMismatches(env: TestEnv, tenantId: string) {
  return env.sql(
    `with flows as (
       select product_id, to_id as location_id, quantity from inventory_move where tenant_id = $1 and state = 'done'
       union all
       select product_id, from_id, -quantity from inventory_move where tenant_id = $1 and state = 'done'
     ), sums as (
       select f.product_id, f.location_id, sum(f.quantity) as moved
         from flows f join inventory_location l on l.tenant_id = $1 and l.id = f.location_id
        where l.usage in ('internal', 'transit') group by 1, 2
     )
     select coalesce(s.product_id, q.product_id) as product, coalesce(s.location_id, q.location_id) as location,
            s.moved, q.quantity
       from sums s full join (select * from inventory_quant where tenant_id = $1) q
         on q.product_id = s.product_id and q.location_id = s.location_id
      where coalesce(s.moved, 0) <> coalesce(q.quantity, 0)`,
    [tenantId],
  );
}

/** A user whose only role is a custom one holding `permissions` (created on first use). */
export async function withRole(t: TestTenant, key: string, permissions: string[]): Promise<ApiClient> {
  const made = await t.client.post('/api/v1/core/roles', { name: key, key, permissions });
  if (made.status !== 201 && made.status !== 409) throw new Error(`role: ${made.status} ${JSON.stringify(made.body)}`);
  n += 1;
  const email = `${key}${n}-${Date.now()}@${t.slug}.test`;
  const client = await t.as('member', email);
  const users = (await t.client.get('/api/v1/core/users?limit=200')).body.data as { id: string; email: string }[];
  const id = users.find((u) => u.email === email)?.id;
  const res = await t.client.put(`/api/v1/core/users/${id}/roles`, { roles: [key] });
  if (res.status !== 200) throw new Error(`roles: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}

/**
 * The invariant per lot: every lot quant equals the done moves of that lot into its location minus
 * those out of it; a tracked product's quant equals the sum of its lot quants; a lot's reserved
 * equals its active reservations. Returns the rows that differ.
 */
export async function lotMismatches(env: TestEnv, tenantId: string) {
  const moved = await env.sql(
    `with flows as (
       select lot_id, to_id as location_id, quantity from inventory_move where tenant_id = $1 and state = 'done' and lot_id is not null
       union all
       select lot_id, from_id, -quantity from inventory_move where tenant_id = $1 and state = 'done' and lot_id is not null
     ), sums as (
       select f.lot_id, f.location_id, sum(f.quantity) as moved
         from flows f join inventory_location l on l.tenant_id = $1 and l.id = f.location_id
        where l.usage in ('internal', 'transit') group by 1, 2
     )
     select 'lot' as check, coalesce(s.lot_id, q.lot_id) as lot, coalesce(s.location_id, q.location_id) as location,
            s.moved, q.quantity
       from sums s full join (select * from inventory_lot_quant where tenant_id = $1) q
         on q.lot_id = s.lot_id and q.location_id = s.location_id
      where coalesce(s.moved, 0) <> coalesce(q.quantity, 0)`,
    [tenantId],
  );
  const totals = await env.sql(
    `select 'product' as check, q.product_id, q.location_id, q.quantity, q.reserved, s.quantity as lots, s.reserved as lots_reserved
       from inventory_quant q
       join inventory_product p on p.tenant_id = q.tenant_id and p.id = q.product_id and p.tracking <> 'none'
       left join (select product_id, location_id, sum(quantity) as quantity, sum(reserved) as reserved
                    from inventory_lot_quant where tenant_id = $1 group by 1, 2) s
         on s.product_id = q.product_id and s.location_id = q.location_id
      where q.tenant_id = $1 and (q.quantity <> coalesce(s.quantity, 0) or q.reserved < coalesce(s.reserved, 0))`,
    [tenantId],
  );
  const reserved = await env.sql(
    `select 'reserved' as check, q.lot_id, q.location_id, q.reserved from inventory_lot_quant q
      where q.tenant_id = $1 and q.reserved <> coalesce((select sum(r.quantity - r.delivered) from inventory_reservation r
        where r.tenant_id = q.tenant_id and r.lot_id = q.lot_id and r.location_id = q.location_id and r.state = 'active'), 0)`,
    [tenantId],
  );
  const negative = await env.sql(
    `select 'negative' as check, q.lot_id, q.location_id, q.quantity from inventory_lot_quant q
      where q.tenant_id = $1 and (q.quantity < 0 or q.reserved > q.quantity)`,
    [tenantId],
  );
  return [...moved, ...totals, ...reserved, ...negative];
}

/** The layers whose history (inventory_layer_entry) does not add up to their remaining quantity and value. */
export async function layerHistoryMismatches(env: TestEnv, tenantId: string) {
  return env.sql(
    `select l.id, l.remaining, l.remaining_value, e.q, e.v from inventory_cost_layer l
       left join (select layer_id, sum(quantity) as q, sum(value) as v from inventory_layer_entry
                   where tenant_id = $1 group by layer_id) e on e.layer_id = l.id
      where l.tenant_id = $1 and (coalesce(e.q, 0) <> l.remaining or coalesce(e.v, 0) <> l.remaining_value)`,
    [tenantId],
  );
}
