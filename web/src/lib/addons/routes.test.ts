import type { MenuEntry } from '@elevate/sdk/web';
import { iconNames } from '@elevate/sdk/web/icons';
import { describe, expect, it } from 'vitest';
import { closure } from './dependencies.ts';
import { contributionPath, matchRoute, pageSegments, unknownIcons } from './routes.ts';

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

describe('menu icons', () => {
  it('an unknown icon is a type error for the author and a readable warning at start-up', () => {
    // @ts-expect-error 'inbox' is not one of the kit's icons
    const typo: MenuEntry = { label: 'Helpdesk', path: '', icon: 'inbox' };
    const fine: MenuEntry = { label: 'Pipeline', path: 'pipeline', icon: 'kanban' };
    const lines = unknownIcons([{ id: 'helpdesk', web: { menu: [typo, fine] } }], iconNames);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^addon helpdesk: menu entry "Helpdesk" names the unknown icon "inbox" \(a dot is shown\); known icons: home, /,
    );
  });
});
