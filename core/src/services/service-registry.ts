import {
  type AnyAddon,
  ServiceError,
  type ServiceProvider,
  type Services,
  type ServiceToken,
  type SystemContext,
} from '@elevate/sdk';
import {
  container,
  type DependencyContainer,
  instanceCachingFactory,
  instancePerContainerCachingFactory,
} from 'tsyringe';

/** The context a per-context service is built from, registered in each context's child container. */
const CONTEXT = Symbol('ServiceContext');

/** What one context tells the registry: itself, the tenant's enabled addons, the tenant's choices. */
export interface ServiceScope {
  context(): SystemContext;
  enabled(): Promise<ReadonlySet<string>>;
  /** The addon the tenant chose for a service with several providers, if any. */
  chosen(serviceId: string): Promise<string | null>;
}

function key(serviceId: string, addonId: string): string {
  return `${serviceId}@${addonId}`;
}

/**
 * The kernel's tsyringe container: every installed addon's service providers, registered under
 * `<service id>@<addon id>`. A context resolves from a child container holding that context, so a
 * `provide`d service is built once per request/job/subscriber call (instancePerContainerCaching)
 * and a `provideValue` once per kernel. Which provider answers is decided per tenant first: only
 * addons the tenant enabled, and the tenant's choice when several are.
 */
export class ServiceRegistry {
  readonly container: DependencyContainer;
  /** Providers per service id, in dependency order. */
  readonly providers: ReadonlyMap<string, readonly { addon: AnyAddon; provider: ServiceProvider }[]>;

  constructor(addons: readonly AnyAddon[]) {
    this.container = container.createChildContainer();
    const providers = new Map<string, { addon: AnyAddon; provider: ServiceProvider }[]>();
    for (const addon of addons) {
      for (const provider of addon.provides) {
        const build = (c: DependencyContainer) => provider.create(c.resolve<SystemContext>(CONTEXT));
        this.container.register(key(provider.token.id, addon.id), {
          useFactory:
            provider.scope === 'kernel' ? instanceCachingFactory(build) : instancePerContainerCachingFactory(build),
        });
        providers.set(provider.token.id, [...(providers.get(provider.token.id) ?? []), { addon, provider }]);
      }
    }
    this.providers = providers;
  }

  /** The `ctx.services` of one context. The child container is made on first use. */
  forContext(scope: ServiceScope): Services {
    let child: DependencyContainer | null = null;
    const resolve = <T>(serviceId: string, addonId: string): T => {
      if (!child) {
        child = this.container.createChildContainer();
        child.register(CONTEXT, { useValue: scope.context() });
      }
      return child.resolve<T>(key(serviceId, addonId));
    };
    const enabledProviders = async (id: string): Promise<string[]> => {
      const enabled = await scope.enabled();
      return (this.providers.get(id) ?? []).map((p) => p.addon.id).filter((a) => enabled.has(a));
    };
    const pick = async (id: string): Promise<string | null> => {
      const ids = await enabledProviders(id);
      if (ids.length <= 1) return ids[0] ?? null;
      const chosen = await scope.chosen(id);
      if (chosen && ids.includes(chosen)) return chosen;
      throw new ServiceError(
        'SERVICE_NOT_CHOSEN',
        id,
        `Several enabled addons provide the service "${id}" (${ids.join(', ')}): choose one with PUT /api/v1/core/services/${id}`,
      );
    };
    return {
      get: async <T>(token: ServiceToken<T>): Promise<T> => {
        const addon = await pick(token.id);
        if (addon) return resolve<T>(token.id, addon);
        const all = (this.providers.get(token.id) ?? []).map((p) => p.addon.id);
        throw new ServiceError(
          'SERVICE_NOT_ENABLED',
          token.id,
          all.length
            ? `The service "${token.id}" needs one of these addons enabled: ${all.join(', ')}`
            : `No installed addon provides the service "${token.id}"`,
        );
      },
      find: async <T>(token: ServiceToken<T>): Promise<T | null> => {
        const addon = await pick(token.id);
        return addon ? resolve<T>(token.id, addon) : null;
      },
      all: async <T>(token: ServiceToken<T>) =>
        (await enabledProviders(token.id)).map((addon) => ({ addon, service: resolve<T>(token.id, addon) })),
    };
  }
}
