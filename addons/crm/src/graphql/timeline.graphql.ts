import type { GraphQLBuilder } from '@elevate/sdk';
import type { CrmTypes } from './types.graphql.ts';

// Placeholder: filled in by the import area.
export function timelineGraphql(_b: GraphQLBuilder, _types: CrmTypes): void {}
