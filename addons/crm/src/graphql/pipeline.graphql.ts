import type { GraphQLBuilder } from '@elevate/sdk';
import type { CrmTypes } from './types.graphql.ts';

// Placeholder: filled in by the pipeline area.
export function pipelineGraphql(_b: GraphQLBuilder, _types: CrmTypes): void {}
