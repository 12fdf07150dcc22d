import type { GraphQLBuilder } from '@elevate/sdk';
import type { CrmTypes } from './types.graphql.ts';

// Placeholder: filled in by the contacts area.
export function contactsGraphql(_b: GraphQLBuilder, _types: CrmTypes): void {}
