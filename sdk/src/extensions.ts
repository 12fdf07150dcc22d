import type { RequestContext } from './context.ts';

/**
 * A typed place where addons contribute to another addon: the crm contact timeline, its
 * 360° panels, a dashboard. The owner declares and exports it; others import it and
 * contribute. Only addons the tenant has enabled are asked.
 */
export interface ExtensionPoint<I, O> {
  readonly kind: 'extension-point';
  readonly name: string;
  readonly __input?: I;
  readonly __output?: O;
}

export function defineExtensionPoint<I, O>(name: string): ExtensionPoint<I, O> {
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(name)) {
    throw new Error(`Extension point "${name}" must look like "addon.place"`);
  }
  return { kind: 'extension-point', name };
}

export interface Contribution<I = unknown, O = unknown> {
  readonly kind: 'contribution';
  readonly point: ExtensionPoint<I, O>;
  readonly run: (input: I, ctx: RequestContext) => Promise<O> | O;
}

export function contribute<I, O>(
  point: ExtensionPoint<I, O>,
  run: (input: I, ctx: RequestContext) => Promise<O> | O,
): Contribution<I, O> {
  return { kind: 'contribution', point, run };
}

export interface Extensions {
  /** Asks every enabled addon contributing to `point`, in dependency order. */
  collect<I, O>(point: ExtensionPoint<I, O>, input: I): Promise<{ addon: string; result: O }[]>;
}
