import type { AnyAddon, ElevateSchemaTypes } from '@elevate/sdk';
import SchemaBuilder from '@pothos/core';
import { GraphQLError, type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import type { TenantAddons } from '../registry/tenant-addons.ts';

const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

/** A scalar refusing a value: graphql-js adds which variable and field, and it is the client's error. */
const badValue = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function coreFragment(b: InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>, tenantAddons: TenantAddons): void {
  b.scalarType('DateTime', {
    description: 'ISO-8601 timestamp',
    serialize: (v) => (v instanceof Date ? v.toISOString() : String(v)),
    parseValue: (v) => {
      if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) throw badValue('DateTime must be an ISO-8601 string');
      return v;
    },
  });
  b.scalarType('Decimal', {
    description: 'Exact decimal number, as a string (e.g. "1234.50")',
    serialize: (v) => String(v),
    parseValue: (v) => {
      const s = typeof v === 'number' ? String(v) : v;
      if (typeof s !== 'string' || !DECIMAL.test(s)) throw badValue('Decimal must look like "1234.56"');
      return s;
    },
  });
  b.scalarType('JSON', { serialize: (v) => v, parseValue: (v) => v });

  const Tenant = b.objectRef<{ id: string; slug: string; name: string }>('Tenant').implement({
    fields: (t) => ({ id: t.exposeID('id'), slug: t.exposeString('slug'), name: t.exposeString('name') }),
  });
  const Me = b.objectRef<{ id: string; email: string; name: string }>('Me').implement({
    fields: (t) => ({
      id: t.exposeID('id'),
      email: t.exposeString('email'),
      name: t.exposeString('name'),
      tenant: t.field({ type: Tenant, resolve: (_u, _a, ctx) => ctx.tenant }),
    }),
  });
  b.queryType({
    fields: (t) => ({
      me: t.field({ type: Me, resolve: (_r, _a, ctx) => ctx.user }),
      can: t.boolean({
        args: { permission: t.arg.string({ required: true }) },
        resolve: (_r, args, ctx) => ctx.can(args.permission),
      }),
    }),
  });
  b.mutationType({
    fields: (t) => ({
      enableAddon: t.stringList({
        description: 'Enables an addon (and its dependencies) for this tenant; returns the ids newly enabled',
        args: { id: t.arg.string({ required: true }) },
        resolve: async (_r, args, ctx) => {
          ctx.require('core.addons.manage');
          return (await tenantAddons.enable(ctx.tenant.id, args.id)).enabled;
        },
      }),
      disableAddon: t.boolean({
        args: { id: t.arg.string({ required: true }) },
        resolve: async (_r, args, ctx) => {
          ctx.require('core.addons.manage');
          await tenantAddons.disable(ctx.tenant.id, args.id);
          return true;
        },
      }),
    }),
  });
}

/**
 * One schema per distinct set of enabled addons, built on first use with a fresh
 * builder and cached. A tenant's schema contains only its enabled addons' types.
 */
export class SchemaCache {
  private readonly addons: readonly AnyAddon[];
  private readonly tenantAddons: TenantAddons;
  private readonly cache = new Map<string, GraphQLSchema>();
  /** Build timings (ms) by key, for the performance notes. */
  readonly buildMs = new Map<string, number>();

  constructor(addons: readonly AnyAddon[], tenantAddons: TenantAddons) {
    this.addons = addons;
    this.tenantAddons = tenantAddons;
  }

  get(enabled: ReadonlySet<string>): GraphQLSchema {
    const key = [...enabled].sort().join(',');
    let schema = this.cache.get(key);
    if (!schema) {
      const t0 = performance.now();
      schema = this.build(enabled);
      this.buildMs.set(key, performance.now() - t0);
      this.cache.set(key, schema);
    }
    return schema;
  }

  /** The schema of a set of enabled addons as SDL, types and fields sorted by name. */
  sdl(enabled: ReadonlySet<string>): string {
    return `${printSchema(lexicographicSortSchema(this.get(enabled)))}\n`;
  }

  get size(): number {
    return this.cache.size;
  }

  private build(enabled: ReadonlySet<string>): GraphQLSchema {
    const b = new SchemaBuilder<ElevateSchemaTypes>({ defaultFieldNullability: false });
    coreFragment(b, this.tenantAddons);
    const exportsById = new Map<string, unknown>();
    // this.addons is in dependency order, so a dependency's refs exist before its dependents run.
    for (const addon of this.addons) {
      if (!enabled.has(addon.id) || !addon.graphql) continue;
      const deps: Record<string, unknown> = {};
      for (const d of addon.depends) deps[d.addon.id] = exportsById.get(d.addon.id);
      exportsById.set(addon.id, addon.graphql(b as never, deps));
    }
    return b.toSchema({ sortSchema: true });
  }
}
