import type { ErrorObject } from 'ajv';

// One wording for validation errors on REST and GraphQL: the field is named by the detail's path, so
// the message reads after it ("subject is required", "email must be at most 320 characters").

export function validationMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not allowed';
    case 'minLength':
      return p.limit === 1 ? 'is required' : `must be at least ${p.limit} characters`;
    case 'maxLength':
      return `must be at most ${p.limit} characters`;
    case 'enum':
      return `must be one of ${((p.allowedValues as unknown[]) ?? []).filter((v) => v !== null).join(', ')}`;
    case 'format':
      return p.format === 'uuid' ? 'must be an id' : `must be a valid ${p.format}`;
    case 'minimum':
    case 'maximum':
      return `must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${p.limit}`;
    default:
      return e.message ?? 'is invalid';
  }
}
