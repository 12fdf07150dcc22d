import {
  type ASTNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';

export interface QueryLimits {
  maxDepth: number;
  /** Upper bound on field selections after expanding fragments: a cheap cost measure. */
  maxFields: number;
}

/** Rejects queries that are too deep or too wide before they run. */
export function limitsRule(limits: QueryLimits) {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const walk = (set: SelectionSetNode, depth: number, seen: Set<string>): { depth: number; fields: number } => {
      let maxDepth = depth;
      let fields = 0;
      for (const sel of set.selections) {
        let inner: { depth: number; fields: number } | null = null;
        if (sel.kind === Kind.FIELD) {
          fields += 1;
          if (sel.selectionSet) inner = walk(sel.selectionSet, depth + 1, seen);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          inner = walk(sel.selectionSet, depth, seen);
        } else {
          const frag = fragments.get(sel.name.value);
          if (frag && !seen.has(frag.name.value))
            inner = walk(frag.selectionSet, depth, new Set([...seen, frag.name.value]));
        }
        if (inner) {
          maxDepth = Math.max(maxDepth, inner.depth);
          fields += inner.fields;
        }
      }
      return { depth: maxDepth, fields };
    };
    return {
      OperationDefinition(node: ASTNode) {
        if (node.kind !== Kind.OPERATION_DEFINITION) return;
        const { depth, fields } = walk(node.selectionSet, 1, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(
            new GraphQLError(`Query depth ${depth} exceeds the limit of ${limits.maxDepth}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_DEEP' },
            }),
          );
        }
        if (fields > limits.maxFields) {
          context.reportError(
            new GraphQLError(`Query selects ${fields} fields, more than the limit of ${limits.maxFields}`, {
              nodes: [node],
              extensions: { code: 'QUERY_TOO_COMPLEX' },
            }),
          );
        }
      },
    };
  };
}
