import type { RequestContext } from './context.ts';
import { type Contribution, contribute, defineExtensionPoint, type ExtensionPoint } from './extensions.ts';

/**
 * A multi-step business operation written as plain steps, each with its compensation beside it
 * (as Medusa does): when a later step fails, the steps that succeeded are undone in reverse order,
 * then the error goes on to the caller. Hooks are named places in the list where other addons
 * join with steps of their own (`joinHook`, listed in their `contributes`): only addons the tenant
 * has enabled are asked, in dependency order.
 *
 * The steps share one typed `state` object: a step reads what earlier steps put there and adds
 * its own. What a step returns is handed to its compensation (what to undo).
 */

export interface StepDef<S, C = RequestContext, U = unknown> {
  readonly kind: 'step';
  readonly name: string;
  readonly run: (state: S, ctx: C) => Promise<U> | U;
  /** Undoes `run`, given what it returned. Absent: nothing to undo (a read, or a write the transaction undoes). */
  readonly compensate: ((undo: U, state: S, ctx: C) => Promise<void> | void) | null;
}

export function defineStep<S, C = RequestContext, U = void>(
  name: string,
  run: (state: S, ctx: C) => Promise<U> | U,
  compensate?: (undo: U, state: S, ctx: C) => Promise<void> | void,
): StepDef<S, C, U> {
  return { kind: 'step', name, run, compensate: compensate ?? null };
}

/** A place in a flow other addons join: they contribute steps that run there. */
// biome-ignore lint/suspicious/noExplicitAny: a joined step's undo value is its own business
export type StepHook<S> = ExtensionPoint<S, StepDef<S, RequestContext, any>>;

export function defineStepHook<S>(name: string): StepHook<S> {
  return defineExtensionPoint(name);
}

/** Another addon's step at a hook of a flow: `contributes: [joinHook(LeadConverting, reserveCredit)]`. */
export function joinHook<S, U>(
  hook: StepHook<S>,
  step: StepDef<S, RequestContext, U>,
): Contribution<S, StepDef<S, RequestContext, U>> {
  return contribute(hook, () => step);
}

// biome-ignore lint/suspicious/noExplicitAny: steps of a flow keep their own undo types
type FlowEntry<S, C> = StepDef<S, C, any> | { kind: 'hook'; hook: StepHook<S> };

export interface StepsDef<S, C = RequestContext> {
  readonly kind: 'steps';
  readonly name: string;
  readonly entries: readonly FlowEntry<S, C>[];
}

/** `hook(h)` marks where in the list a hook's joined steps run. */
export function hook<S>(h: StepHook<S>): { kind: 'hook'; hook: StepHook<S> } {
  return { kind: 'hook', hook: h };
}

export function defineSteps<S, C = RequestContext>(name: string, entries: readonly FlowEntry<S, C>[]): StepsDef<S, C> {
  return { kind: 'steps', name, entries };
}

/** What happened to each step (for logs and tests). */
export interface StepTrace {
  step: string;
  /** The addon that joined the step at a hook (null: the flow's own). */
  addon: string | null;
  status: 'succeeded' | 'failed' | 'compensated' | 'compensation-failed';
  error?: string;
}

/**
 * Runs the flow. On a failure the succeeded steps are compensated newest first (a compensation
 * that fails is logged in the trace and the others still run), then the original error is thrown.
 */
export async function runSteps<S, C>(
  flow: StepsDef<S, C>,
  state: S,
  ctx: C,
  opts: { trace?: StepTrace[] } = {},
): Promise<S> {
  const trace = opts.trace ?? [];
  const done: { step: StepDef<S, C, unknown>; addon: string | null; undo: unknown }[] = [];
  const runOne = async (step: StepDef<S, C, unknown>, addon: string | null) => {
    try {
      const undo = await step.run(state, ctx);
      done.push({ step, addon, undo });
      trace.push({ step: step.name, addon, status: 'succeeded' });
    } catch (err) {
      trace.push({ step: step.name, addon, status: 'failed', error: String((err as Error)?.message ?? err) });
      throw err;
    }
  };
  try {
    for (const entry of flow.entries) {
      if (entry.kind === 'step') {
        await runOne(entry, null);
        continue;
      }
      const extensions = (ctx as Partial<RequestContext>).extensions;
      if (!extensions) continue;
      for (const joined of await extensions.collect(entry.hook, state)) {
        await runOne(joined.result as unknown as StepDef<S, C, unknown>, joined.addon);
      }
    }
    return state;
  } catch (err) {
    for (const d of done.reverse()) {
      if (!d.step.compensate) continue;
      try {
        await d.step.compensate(d.undo, state, ctx);
        trace.push({ step: d.step.name, addon: d.addon, status: 'compensated' });
      } catch (cErr) {
        trace.push({
          step: d.step.name,
          addon: d.addon,
          status: 'compensation-failed',
          error: String((cErr as Error)?.message ?? cErr),
        });
      }
    }
    throw err;
  }
}
