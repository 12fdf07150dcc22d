import type SchemaBuilder from '@pothos/core';
import type { RequestContext } from './context.ts';

export interface ElevateSchemaTypes {
  Context: RequestContext;
  /** Fields are non-null unless they say `nullable: true`. */
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string | Date };
    Decimal: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
}

/** The Pothos builder addons receive. A new one is made for each schema build. */
export type GraphQLBuilder = PothosSchemaTypes.SchemaBuilder<PothosSchemaTypes.ExtendDefaultTypes<ElevateSchemaTypes>>;

/** Keeps the SchemaBuilder import as the source of the builder's shape. */
export type GraphQLBuilderClass = typeof SchemaBuilder;

/**
 * A GraphQL fragment gets the builder and the refs exported by the addons it depends on,
 * and returns refs that its dependents may extend.
 */
export type GraphQLFragment<Deps, Exports> = (builder: GraphQLBuilder, deps: Deps) => Exports;
