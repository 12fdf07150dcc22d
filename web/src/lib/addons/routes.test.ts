import { describe, expect, it } from 'vitest';
import { closure } from './dependencies.ts';
import { contributionPath, matchRoute, pageSegments } from './routes.ts';

describe('addon page files', () => {
  it('reads the page path (or widget name) from the file name relative to the web entry', () => {
    expect(contributionPath('./pages/contacts/[id].svelte', 'pages')).toBe('contacts/[id]');
    expect(contributionPath('./widgets/10-contacts.svelte', 'widgets')).toBe('10-contacts');
    expect(contributionPath('./widgets/10-contacts.svelte', 'pages')).toBeNull();
    expect(contributionPath('../elsewhere/pages/a.svelte', 'pages')).toBeNull();
    expect(pageSegments('contacts/index')).toEqual(['contacts']);
    expect(pageSegments('index')).toEqual([]);
  });

  it('matches static segments before parameters, and only the same addon', () => {
    const routes = [
      { addon: 'crm', segments: ['contacts'] },
      { addon: 'crm', segments: ['contacts', '[id]'] },
      { addon: 'crm', segments: ['contacts', 'new'] },
      { addon: 'crm', segments: [] },
      { addon: 'sales', segments: ['contacts'] },
    ];
    expect(matchRoute(routes, 'crm', ['contacts', '42'])).toEqual({ route: routes[1], params: { id: '42' } });
    expect(matchRoute(routes, 'crm', ['contacts', 'new'])?.route).toBe(routes[2]);
    expect(matchRoute(routes, 'crm', [])?.route).toBe(routes[3]);
    expect(matchRoute(routes, 'sales', ['contacts'])?.route).toBe(routes[4]);
    expect(matchRoute(routes, 'crm', ['contacts', '42', 'x'])).toBeNull();
    expect(matchRoute(routes, 'inventory', ['contacts'])).toBeNull();
  });
});

describe('what enabling an addon also enables', () => {
  it('lists dependencies first, each once, and survives a cycle', () => {
    const byId = new Map([
      ['sales', { depends: [{ id: 'crm' }, { id: 'inventory' }] }],
      ['inventory', { depends: [{ id: 'core_units' }] }],
      ['crm', { depends: [] }],
      ['core_units', { depends: [] }],
      ['a', { depends: [{ id: 'b' }] }],
      ['b', { depends: [{ id: 'a' }] }],
    ]);
    expect(closure('sales', byId)).toEqual(['crm', 'core_units', 'inventory', 'sales']);
    expect(closure('crm', byId)).toEqual(['crm']);
    expect(closure('a', byId)).toEqual(['b', 'a']);
  });
});
