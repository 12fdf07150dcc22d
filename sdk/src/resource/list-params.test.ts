import { describe, expect, it } from 'vitest';
import { defineModel, f } from '../model.ts';
import { defineResource } from './resource.ts';

describe('list filters and list parameters', () => {
  const Sheet = defineModel({
    name: 'stockroom.line',
    fields: { count: f.uuid(), label: f.string({ required: true }) },
  });

  it('a field named like a list parameter cannot be a filter: refused where the resource is declared', () => {
    expect(() => defineResource(Sheet)).toThrow(
      'Resource stockroom.line: field "count" cannot be a list filter, "count" is a list parameter (limit, offset, sort, order, q, fields, count)',
    );
    expect(() => defineResource(Sheet, { filters: ['count'] })).toThrow(/field "count" cannot be a list filter/);
  });

  it('the same field left out of the filters is fine', () => {
    expect(defineResource(Sheet, { filters: [] }).model).toBe(Sheet);
  });
});
