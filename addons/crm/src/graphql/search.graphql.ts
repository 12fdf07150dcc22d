import type { GraphQLBuilder } from '@elevate/sdk';
import type { CrmTypes } from './types.graphql.ts';

// Placeholder: filled in by the search area.
export function searchGraphql(_b: GraphQLBuilder, _types: CrmTypes): void {}
