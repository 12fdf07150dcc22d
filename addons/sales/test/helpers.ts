import type { ApiClient, TestTenant } from '@elevate/testkit';

export const API = '/api/v1/sales';

let n = 0;
const unique = () => {
  n += 1;
  return `${Date.now()}-${n}`;
};

export async function ok<T = Record<string, unknown>>(p: Promise<{ status: number; body: unknown }>, status = 200) {
  const res = await p;
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as T & { id: string };
}

export const contact = (c: ApiClient, name = `Ada ${unique()}`) =>
  ok(c.post('/api/v1/crm/contacts', { name, email: `ada-${unique()}@example.test` }), 201);

export const tax = (c: ApiClient, rate: string, inclusive = false) =>
  ok(c.post(`${API}/taxes`, { name: `VAT ${rate}% ${unique()}`, rate, inclusive }), 201);

export const product = (c: ApiClient, extra: Record<string, unknown> = {}) =>
  ok<{ sku: string }>(
    c.post('/api/v1/inventory/products', {
      sku: `P-${unique()}`,
      name: `Widget ${unique()}`,
      salePrice: '10',
      ...extra,
    }),
    201,
  );

export const receive = (c: ApiClient, productId: string, quantity: string) =>
  ok(c.post('/api/v1/inventory/receipts', { productId, quantity }), 201);

export const stockOf = async (c: ApiClient, productId: string) =>
  (await c.get(`/api/v1/inventory/stock?productId=${productId}`)).body as {
    onHand: string;
    reserved: string;
    available: string;
  };

/** A user whose only role is a custom one holding `permissions` (created on first use). */
export async function withRole(t: TestTenant, key: string, permissions: string[]): Promise<ApiClient> {
  const made = await t.client.post('/api/v1/core/roles', { name: key, key, permissions });
  if (made.status !== 201 && made.status !== 409) throw new Error(`role: ${made.status} ${JSON.stringify(made.body)}`);
  const email = `${key}-${unique()}@${t.slug}.test`;
  const client = await t.as('member', email);
  const users = (await t.client.get('/api/v1/core/users?limit=200')).body.data as { id: string; email: string }[];
  const id = users.find((u) => u.email === email)?.id;
  const res = await t.client.put(`/api/v1/core/users/${id}/roles`, { roles: [key] });
  if (res.status !== 200) throw new Error(`roles: ${res.status} ${JSON.stringify(res.body)}`);
  return client;
}
