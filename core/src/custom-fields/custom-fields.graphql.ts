import { CUSTOM_FIELD_TYPES, CUSTOM_FILTER_OPS, type CustomFieldDef, type ElevateSchemaTypes } from '@elevate/sdk';
import type SchemaBuilder from '@pothos/core';

type Builder = InstanceType<typeof SchemaBuilder<ElevateSchemaTypes>>;

/**
 * Custom fields in the core's GraphQL fragment. Values are one `custom: JSON` field on each
 * opted-in type (not a typed field per definition): the schema is cached per set of enabled
 * addons, and a per-tenant field list would rebuild it on every definition change and make
 * field names collide with the model's own. `customFields(model)` describes the keys.
 */
export function customFieldsGraphql(b: Builder): void {
  b.enumType('CustomFieldFilterOp', { values: CUSTOM_FILTER_OPS });
  b.inputType('CustomFieldFilter', {
    description: 'A filter on a custom field: eq (default), gte, lte (numbers, money, dates), contains, empty',
    fields: (t) => ({
      key: t.string({ required: true }),
      op: t.field({ type: 'CustomFieldFilterOp' as never, defaultValue: 'eq' as never }),
      value: t.string({ required: true }),
    }),
  });
  const Option = b.objectRef<{ id: string; label: string }>('CustomFieldOption').implement({
    fields: (t) => ({ id: t.exposeString('id'), label: t.exposeString('label') }),
  });
  b.enumType('CustomFieldType', { values: CUSTOM_FIELD_TYPES });
  const Def = b.objectRef<CustomFieldDef>('CustomField').implement({
    description: "A tenant's custom field; values are under `custom.<key>` of the record",
    fields: (t) => ({
      id: t.exposeID('id'),
      model: t.exposeString('model'),
      key: t.exposeString('key'),
      label: t.exposeString('label'),
      helpText: t.exposeString('helpText', { nullable: true }),
      type: t.field({ type: 'CustomFieldType' as never, resolve: (d) => d.type as never }),
      required: t.exposeBoolean('required'),
      defaultValue: t.field({ type: 'JSON', nullable: true, resolve: (d) => d.defaultValue }),
      options: t.field({ type: [Option], resolve: (d) => d.options }),
      linkModel: t.exposeString('linkModel', { nullable: true }),
      filterable: t.exposeBoolean('filterable'),
      position: t.exposeInt('position'),
    }),
  });
  b.queryField('customFields', (t) =>
    t.field({
      type: [Def],
      description: "A model's custom fields the caller may see (empty for a model that takes none)",
      args: { model: t.arg.string({ required: true }) },
      resolve: async (_r, args, ctx) =>
        ctx.customFields.accepts(args.model) ? [...(await ctx.customFields.fields(args.model))] : [],
    }),
  );
}
