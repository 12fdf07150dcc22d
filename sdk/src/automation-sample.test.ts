import { describe, expect, it } from 'vitest';
import { samplePayload, sampleValue } from './automation-sample.ts';

describe('samplePayload', () => {
  it('fills every property, preferring the schema’s own examples, defaults and enums', () => {
    const schema = {
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        name: { type: 'string', title: 'Name', examples: ['Ada Lovelace'] },
        source: { type: 'string', enum: ['web', 'phone'] },
        count: { type: 'integer', minimum: 3 },
        amount: { type: 'number', default: 12.5 },
        vip: { type: 'boolean' },
        owner: { type: ['string', 'null'], format: 'uuid' },
        tags: { type: 'array', items: { type: 'string' } },
        address: { type: 'object', properties: { city: { type: 'string', example: 'Lyon' } } },
        note: {},
      },
    };
    expect(samplePayload(schema)).toEqual({
      email: 'someone@example.com',
      name: 'Ada Lovelace',
      source: 'web',
      count: 3,
      amount: 12.5,
      vip: true,
      owner: '00000000-0000-4000-8000-000000000000',
      tags: ['Sample tags'],
      address: { city: 'Lyon' },
      note: 'Sample note',
    });
  });

  it('answers an object for anything (no schema, a schema of another type) and stops deep recursion', () => {
    expect(samplePayload(undefined)).toEqual({});
    expect(samplePayload({ type: 'object' })).toEqual({});
    // An inbound trigger's body as the builder writes it: field names with empty schemas.
    expect(samplePayload({ type: 'object', properties: { email: {}, message: {} } })).toEqual({
      email: 'someone@example.com',
      message: 'Sample message',
    });
    const loop: Record<string, unknown> = { type: 'object', properties: {} };
    (loop.properties as Record<string, unknown>).self = loop;
    let v = sampleValue(loop) as Record<string, unknown>;
    let depth = 0;
    while (v.self) {
      v = v.self as Record<string, unknown>;
      depth += 1;
    }
    expect(depth).toBe(6);
    expect(sampleValue({ type: 'string', minLength: 40 })).toHaveLength(40);
  });
});
