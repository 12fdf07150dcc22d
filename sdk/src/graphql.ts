import type SchemaBuilder from '@pothos/core';
import type { RequestContext } from './context.ts';
import type { Money } from './money.ts';

export interface ElevateSchemaTypes {
  Context: RequestContext;
  /** Fields are non-null unless they say `nullable: true`. */
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: string; Output: string | Date };
    Decimal: { Input: string; Output: string };
    JSON: { Input: unknown; Output: unknown };
  };
  /** Object types the core declares for every schema: use them by name (`t.field({ type: 'Money' })`). */
  Objects: {
    /** An exact amount: `amount` a decimal string with the currency's minor units, `currency` ISO 4217. */
    Money: Money;
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
