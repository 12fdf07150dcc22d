import { describe, expect, it } from 'vitest';
import { reroutePath, slugify, tenantBase, tenantFromHost } from './tenant.ts';

describe('tenant from the URL', () => {
  it('reads <slug>.<TENANT_DOMAIN> hosts and reroutes them to /t/<slug>', () => {
    expect(tenantFromHost('acme.localhost', 'localhost')).toBe('acme');
    expect(tenantFromHost('localhost', 'localhost')).toBeNull();
    expect(tenantFromHost('a.b.localhost', 'localhost')).toBeNull();
    expect(tenantFromHost('acme.app.example.com', 'app.example.com')).toBe('acme');
    expect(tenantFromHost('acme.localhost', '')).toBeNull();
    expect(reroutePath(new URL('http://acme.localhost:3000/crm/contacts?q=a'), 'localhost')).toBe(
      '/t/acme/crm/contacts',
    );
    expect(reroutePath(new URL('http://acme.localhost:3000/'), 'localhost')).toBe('/t/acme');
    expect(reroutePath(new URL('http://acme.localhost:3000/t/other/'), 'localhost')).toBeUndefined();
    expect(reroutePath(new URL('http://acme.localhost:3000/signup'), 'localhost')).toBeUndefined();
    expect(reroutePath(new URL('http://acme.localhost:3000/reset-password?token=x'), 'localhost')).toBeUndefined();
    expect(reroutePath(new URL('http://acme.localhost:3000/accept-invitation'), 'localhost')).toBeUndefined();
    expect(reroutePath(new URL('http://acme.localhost:3000/q/abc.def'), 'localhost')).toBeUndefined();
    expect(reroutePath(new URL('http://acme.localhost:3000/quotes'), 'localhost')).toBe('/t/acme/quotes');
    expect(reroutePath(new URL('http://127.0.0.1:3000/t/acme'), 'localhost')).toBeUndefined();
  });

  it('gives the link prefix of each scheme', () => {
    expect(tenantBase(new URL('http://acme.localhost/crm'), 'acme', 'localhost')).toBe('');
    expect(tenantBase(new URL('http://127.0.0.1/t/acme/crm'), 'acme', 'localhost')).toBe('/t/acme');
    expect(tenantBase(new URL('http://acme.localhost/t/acme/crm'), 'acme', 'localhost')).toBe('/t/acme');
  });

  it('suggests a company address from its name', () => {
    expect(slugify('Acme Trading Ltd.')).toBe('acme-trading-ltd');
    expect(slugify('  Café Ünïcode  ')).toBe('cafe-unicode');
    expect(slugify('x'.repeat(70))).toHaveLength(63);
  });
});
