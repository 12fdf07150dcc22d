import type { GraphQLBuilder } from '@elevate/sdk';
import { countsGraphql } from './counts.graphql.ts';
import { importsGraphql } from './imports.graphql.ts';
import { locationsGraphql } from './locations.graphql.ts';
import { operationsGraphql } from './operations.graphql.ts';
import { stockGraphql } from './stock.graphql.ts';

/** The addon's GraphQL beside the derived resources: stock, operations, counts, imports. */
export function inventoryGraphql(b: GraphQLBuilder) {
  const stock = stockGraphql(b);
  operationsGraphql(b, { Short: stock.InventoryInsufficientStock });
  countsGraphql(b);
  importsGraphql(b);
  locationsGraphql(b);
  return { InventoryStockLevel: stock.InventoryStockLevel };
}
