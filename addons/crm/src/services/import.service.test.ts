import { ValidationError } from '@elevate/sdk';
import { describe, expect, it } from 'vitest';
import { suggestMapping, validateMapping } from './import.service.ts';
import { columnFields, validateRow } from './import-rows.service.ts';

describe('suggestMapping', () => {
  it('maps common spellings and near misses, each field once', () => {
    expect(
      suggestMapping(['E-mail', 'First name', 'Last Name', 'Company', 'Zip', 'Mobile', 'Phone', 'Emial', 'Notes']),
    ).toEqual({
      'E-mail': 'email',
      'First name': 'firstName',
      'Last Name': 'lastName',
      Company: 'company',
      Zip: 'postalCode',
      Mobile: 'phone',
      Phone: null,
      Emial: null,
      Notes: null,
    });
    expect(suggestMapping(['Emial', 'Organisation', 'Countr'])).toEqual({
      Emial: 'email',
      Organisation: 'company',
      Countr: 'country',
    });
  });
});

describe('validateMapping', () => {
  const headers = ['Name', 'Mail', 'Skip'];
  it('keeps mapped columns and drops unmapped ones', () => {
    expect(validateMapping(headers, { Name: 'name', Mail: 'email', Skip: null })).toEqual({
      Name: 'name',
      Mail: 'email',
    });
  });
  it('reports every problem', () => {
    try {
      validateMapping(headers, { Name: 'name', Mail: 'name', Skip: 'bogus', Other: 'city' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).details?.map((d) => d.path)).toEqual([
        'mapping.Mail',
        'mapping.Skip',
        'mapping.Other',
      ]);
    }
  });
});

describe('validateRow', () => {
  const cols = columnFields(['First', 'Last', 'Email', 'Country', 'Kind', 'Company', 'Tags'], {
    First: 'firstName',
    Last: 'lastName',
    Email: 'email',
    Country: 'country',
    Kind: 'kind',
    Company: 'company',
    Tags: 'tags',
  });
  it('normalises a good row', () => {
    expect(
      validateRow({ row: 3, fields: [' Ada ', 'Lovelace', 'ada@x.io', 'gb', '', 'Initech', 'vip; VIP, new'] }, cols),
    ).toEqual({
      row: 3,
      contact: {
        firstName: 'Ada',
        lastName: 'Lovelace',
        email: 'ada@x.io',
        country: 'GB',
        kind: 'person',
        name: 'Ada Lovelace',
        source: 'import',
      },
      company: 'Initech',
      tags: ['vip', 'new'],
      custom: {},
    });
  });
  it('reports each bad field with the row number', () => {
    expect(validateRow({ row: 9, fields: ['', '', 'nope', 'GBR', 'robot', '', ''] }, cols)).toEqual([
      { row: 9, field: 'email', reason: 'must be an email address' },
      // The contact API's own wording (a length check comes first).
      { row: 9, field: 'country', reason: expect.any(String) },
      { row: 9, field: 'kind', reason: 'must be person or company' },
      { row: 9, field: 'name', reason: 'is required (or give firstName or lastName)' },
    ]);
    expect(validateRow({ row: 2, fields: ['', '', 'a@b.io'] }, cols)).toEqual([
      { row: 2, field: 'name', reason: 'is required (or give firstName or lastName)' },
    ]);
    expect(validateRow({ row: 4, fields: ['Acme', '', '', '', 'company', 'Parent'] }, cols)).toEqual([
      { row: 4, field: 'name', reason: 'is required' },
      { row: 4, field: 'company', reason: 'a company cannot belong to a company' },
    ]);
    expect(validateRow({ row: 5, fields: ['a', 'b', '', '', '', '', '', 'extra'] }, cols)).toEqual([
      { row: 5, field: '', reason: 'has 8 values; the header names 7 columns' },
    ]);
  });
});
