import type { Migration } from '@mikro-orm/migrations';
import type { WorkflowDef } from './automation.ts';
import type { CommentableDef } from './comments.ts';
import type { SystemContext } from './context.ts';
import type { EventDef, SubscriberDef } from './events.ts';
import type { ExportDef } from './exports.ts';
import type { Contribution } from './extensions.ts';
import type { GraphQLBuilder } from './graphql.ts';
import type { JobDef, ScheduleDef } from './jobs.ts';
import type { ListDef } from './lists.ts';
import { type AnyModel, claimExtension, type ModelExtension } from './model.ts';
import type { NotificationTypeDef } from './notifications.ts';
import type { PermissionOf, Permissions } from './permissions.ts';
import { activateExtensions, resourceGraphql } from './resource/resource.graphql.ts';
import { resourceRoutes } from './resource/resource.rest.ts';
import type { ResourceDef } from './resource/resource.ts';
import type { JsonSchema, RestFragment, RestRouterOf } from './rest.ts';
import type { SearchProvider } from './search.ts';
import type { ServerMessages } from './server-messages.ts';
import type { ServiceProvider } from './services.ts';

export type MigrationClass = new (...args: ConstructorParameters<typeof Migration>) => Migration;

/** A data step run once per tenant when an addon is upgraded; recorded so a failed upgrade resumes. */
export interface DataStep {
  /** Stable id, recorded per tenant. */
  id: string;
  /** The addon version that introduced the step. Steps run in version order. */
  version: string;
  run: (ctx: SystemContext) => Promise<void> | void;
}

export interface InstallContext {
  /** Runs SQL as the schema owner (outside any tenant). */
  query(sql: string, params?: readonly unknown[]): Promise<unknown[]>;
}

export interface LifecycleHooks {
  /** Once per deployment, after the addon's migrations ran. */
  install?: (ctx: InstallContext) => Promise<void> | void;
  /** Per tenant, in the tenant's transaction, after its dependencies were enabled. */
  enable?: (ctx: SystemContext) => Promise<void> | void;
  /** Per tenant. The tenant's data is kept. */
  disable?: (ctx: SystemContext) => Promise<void> | void;
  /** Data migrations between versions, run per tenant. */
  upgrade?: readonly DataStep[];
  /**
   * Sample data for the demo tenant (`elevate seed --demo`, `elevate start --demo`): run once,
   * in the tenant's transaction, right after the addon is enabled for a newly created demo
   * tenant. `ownerId` is the demo user.
   */
  demo?: (ctx: SystemContext, ownerId: string) => Promise<void> | void;
}

export interface SettingsDef {
  schema: JsonSchema;
  defaults: Record<string, unknown>;
}

export interface Manifest {
  /** Lowercase id, also the REST prefix (/api/v1/<id>) and the permission prefix. */
  id: string;
  version: string;
  title: string;
  description: string;
  category: string;
  icon?: string;
  /**
   * The platform versions this addon was written for, as a literal semver range
   * (`'^1.0.0'`), checked at boot: outside it the kernel refuses to start.
   */
  platform: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the exports of an arbitrary addon's GraphQL fragment
export type AnyAddon = AddonDef<string, any>;

export type Dependency = AnyAddon | { addon: AnyAddon; range: string };

type AddonOf<X> = X extends { addon: infer A } ? A : X;
/** The GraphQL refs of the dependencies, keyed by addon id. */
export type DepExports<D extends readonly Dependency[]> = {
  // biome-ignore lint/suspicious/noExplicitAny: inference positions
  [A in AddonOf<D[number]> as A extends AddonDef<infer Id, any> ? Id : never]: A extends AddonDef<any, infer E>
    ? E
    : never;
};

export interface AddonDef<Id extends string, GqlExports> extends Manifest {
  readonly kind: 'addon';
  readonly id: Id;
  readonly depends: readonly { addon: AnyAddon; range: string }[];
  readonly models: readonly AnyModel[];
  /** Fields and relations this addon adds to its dependencies' models (`extendModel`). */
  readonly extensions: readonly ModelExtension[];
  readonly migrations: readonly MigrationClass[];
  // biome-ignore lint/suspicious/noExplicitAny: deps are checked at the defineAddon call
  readonly graphql: ((builder: GraphQLBuilder, deps: any) => GqlExports) | undefined;
  readonly rest: RestFragment | undefined;
  /** Models offered over REST and GraphQL with derived CRUD (their routes and fields are in rest/graphql). */
  readonly resources: readonly ResourceDef[];
  readonly permissions: Permissions;
  readonly settings: SettingsDef | undefined;
  readonly events: readonly EventDef[];
  readonly subscribers: readonly SubscriberDef[];
  readonly jobs: readonly JobDef[];
  /** Recurring jobs, run per tenant that has the addon enabled. */
  readonly schedules: readonly ScheduleDef[];
  /** Services this addon implements (`provide(token, create)`), resolved with `ctx.services`. */
  readonly provides: readonly ServiceProvider[];
  readonly contributes: readonly Contribution[];
  /** Triggers and actions offered to the automation engine (`defineTrigger`, `defineAction`). */
  readonly workflows: readonly WorkflowDef[];
  /** Models of this addon whose records take comments with @mentions (`commentsOn`). */
  readonly comments: readonly CommentableDef[];
  /** The kinds of notification this addon sends (users set a channel per kind). */
  readonly notifications: readonly NotificationTypeDef[];
  /** Its server catalogue (`serverMessages`): the kernel shows its title, description and permission titles from it. */
  readonly messages: ServerMessages | null;
  /** Lists saved views can be made of (`defineList`, `resourceList`). */
  readonly lists: readonly ListDef[];
  /** Global search providers (`defineSearchProvider`): what Ctrl/Cmd+K finds in this addon. */
  readonly search: readonly SearchProvider[];
  /** Background exports (`defineExport`): files built by a job for one user, downloaded by signed link. */
  // biome-ignore lint/suspicious/noExplicitAny: exports of differently-typed params
  readonly exports: readonly ExportDef<any>[];
  readonly lifecycle: LifecycleHooks;
}

export interface AddonInput<Id extends string, D extends readonly Dependency[], G, P extends Permissions = Permissions>
  extends Manifest {
  id: Id;
  depends?: D;
  models?: readonly AnyModel[];
  /**
   * `extendModel(Contact, { fields, relations })`: columns and relations added to another addon's
   * model (which this addon must depend on). Its migrations create the columns; the APIs show them to
   * tenants that have this addon enabled.
   */
  extends?: readonly ModelExtension[];
  /** MikroORM migration classes, in order. */
  migrations?: readonly MigrationClass[];
  graphql?: (builder: GraphQLBuilder, deps: DepExports<D>) => G;
  /**
   * The addon's routes. The router is typed from `permissions`: a route whose `permission` is not
   * one of its keys (or the core's) fails to compile, when its function takes
   * `RestRouter<typeof permissions>`.
   */
  rest?: (router: RestRouterOf<PermissionOf<NoInfer<P>>>) => void;
  /** `defineResource(Model)`: list/get/create/update/delete on REST and GraphQL, derived from the model. */
  // biome-ignore lint/suspicious/noExplicitAny: resources of different models
  resources?: readonly ResourceDef<any>[];
  permissions?: P;
  settings?: SettingsDef;
  events?: readonly EventDef[];
  // biome-ignore lint/suspicious/noExplicitAny: subscribers of differently-typed events
  subscribers?: readonly SubscriberDef<any>[];
  // biome-ignore lint/suspicious/noExplicitAny: jobs of differently-typed data
  jobs?: readonly JobDef<any, any>[];
  /** Recurring jobs (`defineSchedule`): each fires per tenant that has this addon enabled. */
  schedules?: readonly ScheduleDef[];
  /** Services this addon implements: `provides: [provide(Stock, (ctx) => new StockService(ctx))]`. */
  // biome-ignore lint/suspicious/noExplicitAny: providers of differently-typed services
  provides?: readonly ServiceProvider<any>[];
  /** Contributions to other addons' extension points (timeline entries, panels, ...). */
  // biome-ignore lint/suspicious/noExplicitAny: contributions to differently-typed points
  contributes?: readonly Contribution<any, any>[];
  /** Rule triggers (its domain events, `defineTrigger`) and actions (`defineAction`) for automation. */
  workflows?: readonly WorkflowDef[];
  /** `commentsOn(Model, { link, label })`: this addon's models whose records take comments. */
  // biome-ignore lint/suspicious/noExplicitAny: commentables of different models
  comments?: readonly CommentableDef<any>[];
  /** The kinds of notification this addon sends, for the users' preferences. */
  notifications?: readonly NotificationTypeDef[];
  /**
   * Its server-side catalogue (`serverMessages(new URL('./messages/', import.meta.url))`). Besides
   * the addon's own texts, the kernel reads `addon.title`, `addon.description` and
   * `permission.<key>` from it to show the marketplace and the role editor in the reader's
   * language; a missing key shows the English declared here.
   */
  messages?: ServerMessages;
  /** Lists saved views can be made of: `lists: [resourceList(orders), defineList({...})]`. */
  lists?: readonly ListDef[];
  /** Global search providers (`defineSearchProvider`), one per kind of record people look up. */
  search?: readonly SearchProvider[];
  /** Background exports (`defineExport`). */
  // biome-ignore lint/suspicious/noExplicitAny: exports of differently-typed params
  exports?: readonly ExportDef<any>[];
  lifecycle?: LifecycleHooks;
}

export function defineAddon<
  const Id extends string,
  const D extends readonly Dependency[] = [],
  G = void,
  const P extends Permissions = Permissions,
>(input: AddonInput<Id, D, G, P>): AddonDef<Id, G> {
  const extensions = input.extends ?? [];
  for (const ext of extensions) claimExtension(ext, input.id);
  return {
    kind: 'addon',
    id: input.id,
    version: input.version,
    title: input.title,
    description: input.description,
    category: input.category,
    ...(input.icon === undefined ? {} : { icon: input.icon }),
    platform: input.platform,
    depends: (input.depends ?? []).map((d) => ('kind' in d ? { addon: d, range: '*' } : d)),
    models: input.models ?? [],
    extensions,
    migrations: input.migrations ?? [],
    graphql: withResourceTypes(input.resources ?? [], extensions, input.graphql) as AddonDef<Id, G>['graphql'],
    // The permission type is for the author's compiler; the kernel checks the strings again at boot.
    rest: withResourceRoutes(input.resources ?? [], input.rest as RestFragment | undefined),
    resources: input.resources ?? [],
    permissions: input.permissions ?? {},
    settings: input.settings,
    events: input.events ?? [],
    subscribers: input.subscribers ?? [],
    jobs: input.jobs ?? [],
    schedules: input.schedules ?? [],
    provides: input.provides ?? [],
    contributes: input.contributes ?? [],
    workflows: input.workflows ?? [],
    comments: checkCommentables(input.id, input.models ?? [], input.comments ?? []),
    notifications: checkNotificationTypes(input.id, input.notifications ?? []),
    messages: input.messages ?? null,
    lists: input.lists ?? [],
    search: input.search ?? [],
    exports: input.exports ?? [],
    lifecycle: input.lifecycle ?? {},
  };
}

/** Depend on an addon with a version range: `depends: [dependsOn(crm, '^1.0.0')]`. */
export function dependsOn<const A extends AnyAddon>(addon: A, range: string): { addon: A; range: string } {
  return { addon, range };
}

function withResourceRoutes(
  resources: readonly ResourceDef[],
  rest: RestFragment | undefined,
): RestFragment | undefined {
  if (!resources.length) return rest;
  return (r) => {
    for (const res of resources) resourceRoutes(res, r);
    rest?.(r);
  };
}

function withResourceTypes<G>(
  resources: readonly ResourceDef[],
  extensions: readonly ModelExtension[],
  // biome-ignore lint/suspicious/noExplicitAny: deps are checked at the defineAddon call
  graphql: ((b: GraphQLBuilder, deps: any) => G) | undefined,
  // biome-ignore lint/suspicious/noExplicitAny: as above
): ((b: GraphQLBuilder, deps: any) => G | undefined) | undefined {
  if (!resources.length && !extensions.length) return graphql;
  return (b, deps) => {
    // This fragment runs only in schemas of tenants with this addon enabled: so do its extensions.
    activateExtensions(b, extensions);
    for (const res of resources) resourceGraphql(res, b);
    return graphql?.(b, deps);
  };
}

function checkCommentables(id: string, models: readonly AnyModel[], list: readonly CommentableDef[]): CommentableDef[] {
  for (const c of list) {
    if (!models.includes(c.model))
      throw new Error(`Addon ${id}: comments on ${c.model.name}, which is not one of its models`);
  }
  return [...list];
}

function checkNotificationTypes(id: string, list: readonly NotificationTypeDef[]): NotificationTypeDef[] {
  for (const n of list) {
    if (!n.type.startsWith(`${id}.`) || !/^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/.test(n.type)) {
      throw new Error(`Addon ${id}: notification type "${n.type}" must look like "${id}.<name>"`);
    }
  }
  return [...list];
}
