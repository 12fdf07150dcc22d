import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory } from '../src/index.ts';
import { API, newProduct } from './helpers.ts';

// Variants from attributes: size × colour → one product per combination, each with its own SKU,
// barcode and stock.

let env: TestEnv;
let acme: TestTenant;

beforeAll(async () => {
  env = await bootTestKernel({ addons: [inventory], workers: false });
  acme = await env.tenant('acme', { enable: ['inventory'] });
});
afterAll(() => env?.close());

const attributes = [
  { name: 'Size', values: ['S', 'M', 'L'] },
  { name: 'Colour', values: ['Red', 'Sky blue'] },
];

describe('variants', () => {
  it('makes one product per combination with its own SKU, barcode and stock; again makes only the missing ones', async () => {
    const shirt = await newProduct(acme, { name: 'Shirt', salePrice: '19.90', cost: '7.50' });
    const res = await acme.client.post(`${API}/products/${shirt.id}/variants`, { attributes });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.created).toBe(6);
    const variants = res.body.data as {
      id: string;
      sku: string;
      name: string;
      template: string;
      variantValues: Record<string, string>;
      salePrice: string;
      cost: string;
    }[];
    expect(variants.map((v) => v.sku).sort()).toEqual(
      ['L-RED', 'L-SKYBLUE', 'M-RED', 'M-SKYBLUE', 'S-RED', 'S-SKYBLUE'].map((s) => `${shirt.sku}-${s}`).sort(),
    );
    const m = variants.find((v) => v.sku === `${shirt.sku}-M-SKYBLUE`);
    expect(m).toMatchObject({
      name: 'Shirt (M, Sky blue)',
      template: shirt.id,
      variantValues: { Size: 'M', Colour: 'Sky blue' },
      salePrice: '19.9000',
      cost: '7.5000',
    });
    // Each its own barcode (checked like any product) and its own stock.
    const other = variants.find((v) => v.sku === `${shirt.sku}-S-RED`);
    expect((await acme.client.patch(`${API}/products/${m?.id}`, { barcode: '4006381333931' })).status).toBe(200);
    expect((await acme.client.patch(`${API}/products/${other?.id}`, { barcode: '4006381333931' })).status).toBe(409);
    await acme.client.post(`${API}/receipts`, { productId: m?.id, quantity: '4' });
    expect((await acme.client.get(`${API}/stock?productId=${m?.id}`)).body.onHand).toBe('4.0000');
    expect((await acme.client.get(`${API}/stock?productId=${other?.id}`)).body.onHand).toBe('0.0000');
    expect((await acme.client.get(`${API}/lookup?code=4006381333931`)).body.product.id).toBe(m?.id);
    // A new value adds its combinations only.
    const more = await acme.client.post(`${API}/products/${shirt.id}/variants`, {
      attributes: [{ name: 'Size', values: ['S', 'M', 'L', 'XL'] }, attributes[1]],
    });
    expect(more.body.created).toBe(2);
    expect(more.body.data).toHaveLength(8);
    expect((await acme.client.get(`${API}/products?template=${shirt.id}&count=true`)).body.total_count).toBe(8);
  });

  it('names the field of bad attributes', async () => {
    const p = await newProduct(acme);
    const bad = async (body: unknown, path: string, id = p.id, status = 400) => {
      const res = await acme.client.post(`${API}/products/${id}/variants`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(JSON.stringify(res.body.details)).toContain(path);
    };
    await bad({ attributes: [] }, 'attributes');
    await bad({ attributes: [{ name: 'Size', values: [] }] }, 'values');
    await bad({ attributes: [{ name: 'Size', values: ['S', 's'] }] }, 'attributes.0.values.1');
    await bad(
      {
        attributes: [
          { name: 'Size', values: ['S'] },
          { name: 'size', values: ['M'] },
        ],
      },
      'attributes.1.name',
    );
    const many = Array.from({ length: 3 }, (_, i) => ({
      name: `A${i}`,
      values: Array.from({ length: 10 }, (_, j) => `v${j}`),
    }));
    await bad({ attributes: many }, 'attributes');
    const made = await acme.client.post(`${API}/products/${p.id}/variants`, {
      attributes: [{ name: 'Size', values: ['S'] }],
    });
    await bad({ attributes: [{ name: 'Size', values: ['M'] }] }, 'id', made.body.data[0].id);
    // A variant's template and values are the server's to set.
    const patch = await acme.client.patch(`${API}/products/${p.id}`, { template: made.body.data[0].id });
    expect(patch.status).toBe(400);
  });

  it('another company cannot make variants of a product; a member cannot make any', async () => {
    const p = await newProduct(acme);
    const globex = await env.tenant(`globex-${Date.now()}`, { enable: ['inventory'] });
    expect((await globex.client.post(`${API}/products/${p.id}/variants`, { attributes })).status).toBe(404);
    expect((await globex.client.get(`${API}/products?template=${p.id}`)).body.data).toEqual([]);
    const member = await acme.as('member');
    expect((await member.post(`${API}/products/${p.id}/variants`, { attributes })).status).toBe(403);
    expect((await acme.client.get(`${API}/products?template=${p.id}&count=true`)).body.total_count).toBe(0);
  });
});
