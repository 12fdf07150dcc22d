import { type AnyAddon, AppError, type ElevateSchemaTypes } from '@elevate/sdk';
import SchemaBuilder from '@pothos/core';
import { GraphQLError, type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { type AccountGraphqlDeps, accountGraphql } from '../auth/account.graphql.ts';
import { type AutomationGraphqlDeps, automationGraphql } from '../automation/automation.graphql.ts';
import { anyCommentable } from '../comments/commentables.ts';
import { commentsGraphql } from '../comments/comments.graphql.ts';
import { customFieldsGraphql } from '../custom-fields/custom-fields.graphql.ts';
import { moneyGraphql } from '../money/money.graphql.ts';
import type { TenantAddons } from '../registry/tenant-addons.ts';
import { viewsGraphql } from '../views/views.graphql.ts';
import { SavedViews } from '../views/views.ts';

/** See SchemaCache.check. The fragments' resolvers never run here, so no tenant state is needed. */
export function checkGraphqlFragments(addons: readonly AnyAddon[]): void {
  new SchemaCache(addons, null as unknown as TenantAddons, { automation: {} } as CoreGraphqlDeps).check();
}

/** The services behind the core's own fields (absent: a schema without them, for benches and checks). */
export type CoreGraphqlDeps = AccountGraphqlDeps & { automation?: AutomationGraphqlDeps };

const DECIMAL = /^-?\d{1,14}(\.\d{1,4})?$/;

/** A scalar refusing a value: graphql-js adds which variable and field, and it is the client's error. */
const badValue = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

function coreFragment(
  b: InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>,
  tenantAddons: TenantAddons,
  account: CoreGraphqlDeps | undefined,
): void {
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
  moneyGraphql(b);
  customFieldsGraphql(b);
  // API keys, sessions, two-step sign-in, passkeys, companies (auth/account.graphql.ts).
  if (account) accountGraphql(b, account);
  // Automation rules and runs (automation/automation.graphql.ts).
  if (account?.automation) automationGraphql(b, account.automation);
}

/**
 * One schema per distinct set of enabled addons, built on first use with a fresh
 * builder and cached. A tenant's schema contains only its enabled addons' types.
 */
export class SchemaCache {
  private readonly addons: readonly AnyAddon[];
  private readonly tenantAddons: TenantAddons;
  private readonly account: CoreGraphqlDeps | undefined;
  private readonly views: SavedViews;
  private readonly cache = new Map<string, GraphQLSchema>();
  /** Build timings (ms) by key, for the performance notes. */
  readonly buildMs = new Map<string, number>();

  /** `account`: the services behind the account fields (absent: a schema without them, for benches and checks). */
  constructor(addons: readonly AnyAddon[], tenantAddons: TenantAddons, account?: CoreGraphqlDeps, views?: SavedViews) {
    this.addons = addons;
    this.views = views ?? new SavedViews(addons);
    this.tenantAddons = tenantAddons;
    this.account = account;
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

  /**
   * Boot-time check: every installed addon's GraphQL fragment builds together with all the others.
   * Two addons declaring the same type name (or adding the same field to a type) would otherwise make
   * every GraphQL request of a tenant that enables both answer 500; this names the type and both
   * addons instead. Costs one schema build per addon (about 1.5 ms each).
   */
  check(): void {
    const all = new Set(this.addons.map((a) => a.id));
    try {
      this.build(all);
      return;
    } catch (err) {
      const clash = this.findClash();
      throw new AppError(
        'ADDON_GRAPHQL_CLASH',
        clash
          ? `GraphQL type "${clash.type}" is declared by both ${clash.first} and ${clash.second}: rename one (defineResource(Model, { type }) or the objectRef name)`
          : `The installed addons' GraphQL fragments do not build together: ${(err as Error).message}`,
        { status: 500, cause: err },
      );
    }
  }

  /** The first type two addons both declare (neither through depending on the other). */
  private findClash(): { type: string; first: string; second: string } | null {
    const typesOf = (ids: Iterable<string>) => {
      try {
        return new Set(Object.keys(this.build(new Set(ids)).getTypeMap()));
      } catch {
        return null;
      }
    };
    const owner = new Map<string, string>();
    for (const addon of this.addons) {
      const deps = closure(addon);
      const without = typesOf(deps) ?? new Set<string>();
      const withIt = typesOf([...deps, addon.id]);
      if (!withIt) continue;
      for (const type of withIt) {
        if (without.has(type) || type.startsWith('__')) continue;
        const first = owner.get(type);
        if (first) return { type, first, second: addon.id };
        owner.set(type, addon.id);
      }
    }
    return null;
  }

  private build(enabled: ReadonlySet<string>): GraphQLSchema {
    const b = new SchemaBuilder<ElevateSchemaTypes>({ defaultFieldNullability: false });
    coreFragment(b, this.tenantAddons, this.account);
    // Comments exist for a company once one of its enabled addons has a commentable model.
    if (anyCommentable(this.addons, enabled)) commentsGraphql(b, this.addons);
    viewsGraphql(b, this.views);
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

/** An addon's dependencies, transitively (ids). */
function closure(addon: AnyAddon): Set<string> {
  const out = new Set<string>();
  const walk = (a: AnyAddon) => {
    for (const d of a.depends) {
      if (out.has(d.addon.id)) continue;
      out.add(d.addon.id);
      walk(d.addon);
    }
  };
  walk(addon);
  return out;
}
