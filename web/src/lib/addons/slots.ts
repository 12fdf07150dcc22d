// Page slots (`defineSlot` / `fill` of @elevate/sdk/web): which fills a user sees, and loading them
// for a page's load. Pure over the contributions list, so tests give their own.
import { allows } from '@elevate/sdk/permissions';
import type { FilledSlot, LoadArgs, SlotDef, SlotFill, WebContribution } from '@elevate/sdk/web';

type Contributions = readonly { id: string; web: WebContribution }[];

export interface Viewer {
  enabledAddons: readonly string[];
  permissions: readonly string[];
}

/**
 * The fills of the slot `name` that `viewer` sees: only from addons the tenant has enabled, only
 * those whose permission the user holds (checked as everywhere: the permission's addon must be
 * enabled too). Sorted by `order`, then addon id and key.
 */
export function visibleFills(
  contributions: Contributions,
  name: string,
  viewer: Viewer,
): { addon: string; fill: SlotFill }[] {
  return contributions
    .filter((c) => viewer.enabledAddons.includes(c.id))
    .flatMap(({ id, web }) =>
      (web.slots ?? [])
        .filter((f) => f.slot === name)
        .filter((f) => !f.permission || allows(viewer.permissions, viewer.enabledAddons, f.permission))
        .map((fill) => ({ addon: id, fill })),
    )
    .sort(
      (a, b) =>
        (a.fill.order ?? 100) - (b.fill.order ?? 100) ||
        a.addon.localeCompare(b.addon) ||
        a.fill.key.localeCompare(b.fill.key),
    );
}

/**
 * Loads the visible fills of `slot`: each component module, then its `load` with the page's
 * arguments and the owner's props. A failing load marks that fill `failed` (the page stays); an
 * ended session still ends the page's load (withLoadApi sees the 401).
 */
export async function loadSlot<P extends object>(
  contributions: Contributions,
  viewer: Viewer,
  slot: SlotDef<P>,
  props: P,
  args: Omit<LoadArgs, 'slot'>,
): Promise<FilledSlot<P>[]> {
  return Promise.all(
    visibleFills(contributions, slot.name, viewer).map(async ({ addon, fill }) => {
      const mod = await fill.component();
      let data: unknown = null;
      let failed = false;
      try {
        data = mod.load ? await (mod.load as (a: unknown) => Promise<unknown>)({ ...args, props }) : null;
      } catch {
        failed = true;
      }
      return {
        key: `${addon}:${fill.key}`,
        addon,
        component: mod.default as unknown as FilledSlot<P>['component'],
        props,
        data,
        failed,
      };
    }),
  );
}
