import type { ElevateSchemaTypes, RequestContext } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';
import type { State } from '../http/state.ts';
import { DENSITIES, type SavedView, type SavedViews, type ViewColumn } from './views.ts';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;

const enabledOf = (ctx: RequestContext): ReadonlySet<string> =>
  (ctx as unknown as { state?: State }).state?.enabled ?? new Set<string>();

/** Saved views on GraphQL: the REST routes' reads and writes, through the same service and checks. */
export function viewsGraphql(b: Builder, views: SavedViews): void {
  const Density = b.enumType('SavedViewDensity', { values: [...DENSITIES] });
  const Column = b.objectRef<ViewColumn>('SavedViewColumn').implement({
    fields: (t) => ({
      field: t.exposeString('field', { description: 'a field path of the rows' }),
      width: t.int({ nullable: true, resolve: (c) => c.width ?? null }),
    }),
  });
  const View = b.objectRef<SavedView>('SavedView').implement({
    description: "A saved view of an addon's list: filters, columns, sort and density",
    fields: (t) => ({
      id: t.exposeID('id'),
      list: t.exposeString('list'),
      name: t.exposeString('name'),
      ownerId: t.exposeID('ownerId'),
      shared: t.exposeBoolean('shared'),
      filters: t.field({ type: 'JSON', resolve: (v) => v.filters }),
      columns: t.field({ type: [Column], resolve: (v) => v.columns }),
      sort: t.string({ nullable: true, resolve: (v) => v.sort }),
      density: t.field({ type: Density, resolve: (v) => v.density }),
      isDefault: t.exposeBoolean('isDefault'),
      canEdit: t.exposeBoolean('canEdit'),
      count: t.int({ nullable: true, resolve: (v) => v.count }),
      createdAt: t.field({ type: 'DateTime', resolve: (v) => new Date(v.createdAt) }),
      updatedAt: t.field({ type: 'DateTime', resolve: (v) => new Date(v.updatedAt) }),
    }),
  });
  const ColumnInput = b.inputType('SavedViewColumnInput', {
    fields: (t) => ({ field: t.string({ required: true }), width: t.int() }),
  });
  const fields = (t: Parameters<Parameters<typeof b.inputType>[1]['fields']>[0]) => ({
    name: t.string(),
    shared: t.boolean(),
    filters: t.field({ type: 'JSON' }),
    columns: t.field({ type: [ColumnInput] }),
    sort: t.string(),
    density: t.field({ type: Density }),
  });
  const CreateInput = b.inputType('CreateSavedViewInput', {
    fields: (t) => ({ ...fields(t), list: t.string({ required: true }), name: t.string({ required: true }) }),
  });
  const UpdateInput = b.inputType('UpdateSavedViewInput', { fields });
  /** GraphQL nulls for absent optional inputs: left out, so the checks see what REST would. */
  const clean = (input: object) =>
    Object.fromEntries(Object.entries(input).filter(([k, v]) => v !== null || k === 'sort'));

  b.queryFields((t) => ({
    savedViews: t.field({
      type: [View],
      description: "Saved views of a list (e.g. crm.contacts): the caller's own and the shared ones",
      args: { list: t.arg.string({ required: true }), counts: t.arg.boolean() },
      resolve: (_r, a, ctx) => views.listViews(ctx, enabledOf(ctx), a.list, { counts: a.counts ?? false }),
    }),
    savedView: t.field({
      type: View,
      args: { id: t.arg.id({ required: true }), counts: t.arg.boolean() },
      resolve: (_r, a, ctx) => views.get(ctx, enabledOf(ctx), String(a.id), { counts: a.counts ?? false }),
    }),
  }));
  b.mutationFields((t) => ({
    createSavedView: t.field({
      type: View,
      args: { input: t.arg({ type: CreateInput, required: true }) },
      resolve: (_r, a, ctx) => views.create(ctx, enabledOf(ctx), clean(a.input)),
    }),
    updateSavedView: t.field({
      type: View,
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateInput, required: true }) },
      resolve: (_r, a, ctx) => views.update(ctx, enabledOf(ctx), String(a.id), clean(a.input)),
    }),
    deleteSavedView: t.boolean({
      args: { id: t.arg.id({ required: true }) },
      resolve: async (_r, a, ctx) => {
        await views.remove(ctx, enabledOf(ctx), String(a.id));
        return true;
      },
    }),
    setDefaultSavedView: t.field({
      type: View,
      nullable: true,
      description: "Makes a view the caller's default of its list; viewId null: the list's own default",
      args: { list: t.arg.string({ required: true }), viewId: t.arg.id() },
      resolve: async (_r, a, ctx) => {
        const enabled = enabledOf(ctx);
        const res = await views.setDefault(ctx, enabled, {
          list: a.list,
          viewId: a.viewId == null ? null : String(a.viewId),
        });
        return res.viewId ? views.get(ctx, enabled, res.viewId) : null;
      },
    }),
  }));
}
