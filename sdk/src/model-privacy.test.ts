import { describe, expect, it } from 'vitest';
import { defineModel, f } from './model.ts';

describe('a model privacy rule', () => {
  it('defaults to the personal email field, anonymised', () => {
    const m = defineModel({ name: 'x.person', fields: { email: f.string({ personal: true }), note: f.text() } });
    expect(m.privacy).toEqual({ subject: 'email', erase: 'anonymise' });
  });

  it('takes another subject, delete, and a hold', () => {
    const hold = () => null;
    const m = defineModel({
      name: 'x.sub',
      fields: { address: f.string({ personal: true }) },
      privacy: { subject: 'address', erase: 'delete', hold },
    });
    expect(m.privacy).toEqual({ subject: 'address', erase: 'delete', hold });
  });

  it('is null without personal fields, or without a personal email to find the person by', () => {
    expect(defineModel({ name: 'x.plain', fields: { title: f.string() } }).privacy).toBeNull();
    expect(defineModel({ name: 'x.phone', fields: { phone: f.string({ personal: true }) } }).privacy).toBeNull();
  });

  it('refuses a rule that cannot work', () => {
    expect(() => defineModel({ name: 'x.none', fields: { title: f.string() }, privacy: {} })).toThrow(/personal/);
    expect(() =>
      defineModel({
        name: 'x.bad',
        fields: { email: f.string({ personal: true }), login: f.string() },
        privacy: { subject: 'login' },
      }),
    ).toThrow(/subject "login" must be a personal field/);
  });
});
