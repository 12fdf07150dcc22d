import { describe, expect, it } from 'vitest';
import { onlyReads } from './yoga.ts';

const json = 'application/json';
const body = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('onlyReads (which GraphQL requests run in a read-only transaction)', () => {
  it('a query document without mutation or subscription only reads', () => {
    expect(onlyReads(body({ query: '{ contacts { items { id } } }' }), json)).toBe(true);
    expect(
      onlyReads(body({ query: 'query Q($id: ID!) { contact(id: $id) { name } }' }), `${json}; charset=utf-8`),
    ).toBe(true);
  });
  it('anything that may write, or that it cannot read, counts as a write', () => {
    expect(onlyReads(body({ query: 'mutation { createTag(input: { name: "x" }) { id } }' }), json)).toBe(false);
    expect(onlyReads(body({ query: 'query A { me { id } } mutation B { disableAddon(id: "x") }' }), json)).toBe(false);
    expect(onlyReads(body({ query: 'subscription { x }' }), json)).toBe(false);
    // The keyword anywhere, even in a string, is enough to keep the read-write transaction.
    expect(onlyReads(body({ query: '{ can(permission: "mutation") }' }), json)).toBe(false);
    expect(onlyReads(body([{ query: '{ me { id } }' }]), json)).toBe(false);
    expect(onlyReads(body({ extensions: { persistedQuery: { sha256Hash: 'x' } } }), json)).toBe(false);
    expect(onlyReads(Buffer.from('{ me { id } }'), 'application/graphql')).toBe(false);
    expect(onlyReads(Buffer.from('{"query": '), json)).toBe(false);
  });
});
