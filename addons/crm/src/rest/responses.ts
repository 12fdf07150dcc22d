import { type AnyModel, type JsonSchema, rowSchema } from '@elevate/sdk';
import { Contact } from '../models/contact.model.ts';
import { Stage } from '../models/pipeline.model.ts';

// Response bodies of crm's hand-written routes, for the OpenAPI document: rows are the
// models' own row schemas (the SDK's, as resources use), pages the SDK's page envelope.

/** A stored row of a model, as the routes return it. */
export const schemaOf = (model: AnyModel): JsonSchema => rowSchema(model);

/** A list page of `item`: data, total_count (null when not counted), limit, offset. */
export function page(item: JsonSchema): JsonSchema {
  return {
    type: 'object',
    required: ['data', 'total_count', 'limit', 'offset'],
    properties: {
      data: { type: 'array', items: item },
      total_count: { type: ['integer', 'null'] },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
    },
  };
}

/**
 * A contact as the contact routes return it: its fields with `companyId` for the company's id,
 * and the embedded `company` and `tags` (a list embeds them only on request, and `fields=`
 * narrows its rows, so no key is required).
 */
export const contactView: JsonSchema = (() => {
  const {
    properties: all,
    required: _,
    ...rest
  } = rowSchema(Contact) as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  const { company: companyId, ...properties } = all;
  const ref = { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } } };
  return {
    ...rest,
    title: 'CrmContactView',
    properties: {
      ...properties,
      companyId: companyId as JsonSchema,
      company: { ...ref, type: ['object', 'null'] },
      tags: {
        type: 'array',
        items: {
          type: 'object',
          properties: { ...ref.properties, color: { type: ['string', 'null'] } },
        },
      },
    },
  };
})();

/** A pipeline with its stages in board order. */
export const pipelineWithStages = (pipeline: JsonSchema): JsonSchema => ({
  ...pipeline,
  title: `${String(pipeline.title ?? 'Pipeline')}WithStages`,
  required: [...((pipeline.required as string[]) ?? []), 'stages'],
  properties: {
    ...(pipeline.properties as Record<string, JsonSchema>),
    stages: { type: 'array', items: rowSchema(Stage) },
  },
});

/** A row, or null. */
export const orNull = (schema: JsonSchema): JsonSchema => ({ oneOf: [schema, { type: 'null' }] });

/** 204: no body. */
export const NO_CONTENT = { 204: null } as const;
