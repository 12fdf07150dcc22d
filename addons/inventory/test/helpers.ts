import type { ApiClient, TestTenant } from '@elevate/testkit';

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
