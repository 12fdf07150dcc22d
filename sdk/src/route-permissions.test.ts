// Route permissions are typed from the addon's grant table: `pnpm exec tsc --noEmit` fails if any
// `@ts-expect-error` below stops being an error (a misspelt permission that compiles). At run time
// the routes are declared on a recording router, to show which strings were declared.
import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineAddon } from './addon.ts';
import { type CorePermission, definePermissions, type PermissionOf } from './permissions.ts';
import type { RestRouter, RouteOptions } from './rest.ts';

const permissions = definePermissions({
  'desk.ticket.read': { title: 'See tickets', grant: ['member'] },
  'desk.ticket.write': { title: 'Change tickets', grant: ['member'] },
});
const crmPermissions = definePermissions({ 'crm.contact.read': { title: 'See contacts' } });

function recorder(): { router: RestRouter; seen: (string | undefined)[] } {
  const seen: (string | undefined)[] = [];
  const add = (_path: string, opts: RouteOptions) => void seen.push(opts.permission);
  const router = { get: add, post: add, put: add, patch: add, delete: add } as unknown as RestRouter;
  return { router, seen };
}

function deskRoutes(r: RestRouter<typeof permissions>): void {
  r.get('/tickets', { permission: 'desk.ticket.read' }, () => []);
  r.post('/tickets/:id/close', { permission: 'desk.ticket.write' }, () => ({}));
  r.get('/audit', { permission: 'core.audit.read' }, () => []);
  // @ts-expect-error misspelt: 'desk.tickets.read' is not in the grant table
  r.get('/typo', { permission: 'desk.tickets.read' }, () => []);
  // @ts-expect-error another addon's permission needs its table in the router's type
  r.get('/contacts', { permission: 'crm.contact.read' }, () => []);
}

function withCrm(r: RestRouter<typeof permissions & typeof crmPermissions>): void {
  r.get('/contacts', { permission: 'crm.contact.read' }, () => []);
  // @ts-expect-error still misspelt
  r.get('/contact', { permission: 'crm.contacts.read' }, () => []);
}

describe('route permissions typed from definePermissions', () => {
  it('allow the grant table keys and the core permissions, and any string on a plain router', () => {
    expectTypeOf<PermissionOf<typeof permissions>>().toEqualTypeOf<
      'desk.ticket.read' | 'desk.ticket.write' | CorePermission
    >();
    expectTypeOf<PermissionOf<typeof permissions | 'crm.contact.read'>>().toEqualTypeOf<
      'desk.ticket.read' | 'desk.ticket.write' | 'crm.contact.read' | CorePermission
    >();
    expectTypeOf<PermissionOf>().toEqualTypeOf<string>();
    const { router, seen } = recorder();
    deskRoutes(router);
    withCrm(router);
    expect(seen).toEqual([
      'desk.ticket.read',
      'desk.ticket.write',
      'core.audit.read',
      'desk.tickets.read',
      'crm.contact.read',
      'crm.contact.read',
      'crm.contacts.read',
    ]);
  });

  it('type an addon inline `rest` from its `permissions`, and accept route functions typed either way', () => {
    const plain = (r: RestRouter) => r.get('/any', { permission: 'anything.at.all' }, () => []);
    const desk = defineAddon({
      id: 'desk',
      version: '1.0.0',
      title: 'Desk',
      description: 'Tickets',
      category: 'testing',
      platform: '^1.0.0',
      permissions,
      rest: (r) => {
        deskRoutes(r);
        plain(r);
        // @ts-expect-error misspelt inline too
        r.get('/typo', { permission: 'desk.ticket.raed' }, () => []);
      },
    });
    const { router, seen } = recorder();
    desk.rest?.(router);
    expect(seen).toContain('desk.ticket.raed');
    expect(seen).toContain('anything.at.all');
  });
});
