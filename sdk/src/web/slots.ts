// Page slots: a place on one addon's page (the crm contact page's panels, the opportunity's action
// bar) that other addons fill with their own components, without editing the owner's files.
//
// The owner declares the slot and exports it (`defineSlot`), asks for its fills in the page's load
// (`args.slot(slot, props)`: fills of enabled addons whose permission the user holds, each with the
// data of its own `load`) and renders them where they belong (`<Slot fills={data.panels} />`).
// Another addon fills it from its web entry (`slots: [fill(crmSlots.contactPanels, {...})]`).
import type { Component } from 'svelte';
import type { LoadArgs } from './types.ts';

/** A named place on a page; `P` is what the owner gives every fill (e.g. `{ contact }`). */
export interface SlotDef<P extends object = Record<string, unknown>> {
  readonly kind: 'slot';
  readonly name: string;
  /** Type only: the props the owner passes. */
  readonly __props?: P;
}

const NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Declares a slot: the name starts with the owner addon's id (`crm.contact.panels`). */
export function defineSlot<P extends object>(name: string): SlotDef<P> {
  if (!NAME.test(name)) throw new Error(`Slot "${name}" must look like "addon.place" (lower case, dotted)`);
  return { kind: 'slot', name };
}

/** What a fill's `load` receives: the page's load arguments and the owner's props. */
export interface SlotLoadArgs<P extends object> extends Omit<LoadArgs, 'slot'> {
  props: P;
}

/** The props a fill component receives: the owner's props and its load's result as `data`. */
export type SlotProps<P extends object, D = unknown> = P & { data: D };

/** The module of a fill: a Svelte component whose `<script module>` may export `load`. */
export interface SlotModule<P extends object = Record<string, unknown>, D = unknown> {
  default: Component<SlotProps<P, D>>;
  /** Runs in the owner page's load (server first): its result is the component's `data`. */
  load?: (args: SlotLoadArgs<P>) => Promise<D>;
}

/** One contribution to a slot, as an addon's web entry lists it. */
export interface SlotFill {
  readonly slot: string;
  /** Unique within the contributing addon (with it, the key of the rendered fill). */
  readonly key: string;
  /** Hidden (never loaded) unless the user holds it. */
  readonly permission?: string;
  /** Sort key across all addons' fills of the slot (default 100). */
  readonly order?: number;
  readonly component: () => Promise<SlotModule<never, unknown>>;
}

/**
 * Fills `slot` with a component. `component` is a lazy import, so the code loads only on pages that
 * have the slot, for users who may see it:
 *   fill(crmSlots.contactPanels, { key: 'sales', permission: 'sales.order.read',
 *     component: () => import('./slots/SalesPanel.svelte') })
 */
export function fill<P extends object, D>(
  slot: SlotDef<P>,
  opts: {
    key: string;
    permission?: string;
    order?: number;
    component: () => Promise<SlotModule<P, D> | { default: Component<SlotProps<P, D>>; load?: unknown }>;
  },
): SlotFill {
  return {
    slot: slot.name,
    key: opts.key,
    ...(opts.permission ? { permission: opts.permission } : {}),
    ...(opts.order !== undefined ? { order: opts.order } : {}),
    component: opts.component as SlotFill['component'],
  };
}

/** A fill ready to render: its component, the owner's props and its data (or `failed`). */
export interface FilledSlot<P extends object = Record<string, unknown>> {
  /** `<addon>:<key>`. */
  key: string;
  addon: string;
  component: Component<SlotProps<P, unknown>>;
  props: P;
  data: unknown;
  /** Its load threw: the slot shows a short message instead of the component. */
  failed: boolean;
}

/** What `args.slot(...)` gives back: the fills of one slot, in order. */
export type Filled<P extends object> = FilledSlot<P>[];
