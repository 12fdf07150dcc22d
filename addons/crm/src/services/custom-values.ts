import type { AnyModel, RequestContext } from '@elevate/sdk';

// Custom-field values on crm records that are read through the repository (leads,
// opportunities): the repository's rows carry no `custom`, so these add the caller's visible
// part (one statement for any number of rows) and validate writes.

/** Rows with the custom values the caller may see. */
export async function withCustom<T extends { id: string }>(
  ctx: RequestContext,
  model: AnyModel,
  rows: readonly T[],
): Promise<(T & { custom: Record<string, unknown> })[]> {
  if (!rows.length) return [];
  const values = await ctx.customFields.values(
    model,
    rows.map((r) => r.id),
  );
  return rows.map((r) => ({ ...r, custom: values.get(r.id) ?? {} }));
}

export async function oneWithCustom<T extends { id: string }>(ctx: RequestContext, model: AnyModel, row: T) {
  return (await withCustom(ctx, model, [row]))[0] as T & { custom: Record<string, unknown> };
}

/**
 * The document to store for a create (`id` null) or an update, or undefined when the input
 * names no custom values. `changed`: whether an update changes the stored document.
 */
export async function customWrite(
  ctx: RequestContext,
  model: AnyModel,
  input: unknown,
  id: string | null,
): Promise<{ custom: Record<string, unknown>; changed: boolean } | undefined> {
  if (id === null) return { custom: await ctx.customFields.prepare(model, input ?? undefined, null), changed: true };
  if (input === undefined || input === null) return undefined;
  const stored = (await ctx.customFields.stored(model, [id])).get(id) ?? {};
  const custom = await ctx.customFields.prepare(model, input, stored);
  return { custom, changed: JSON.stringify(custom) !== JSON.stringify(stored) };
}
