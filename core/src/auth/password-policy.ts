import { ValidationError } from '@elevate/sdk';
import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

// The ~49,000 most common passwords from zxcvbn-ts's maintained list (lowercase).
let common: Set<string> | null = null;
const commonPasswords = () => {
  common ??= new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));
  return common;
};

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (password.trim() === '') return 'must not be only spaces';
  if (commonPasswords().has(password.toLowerCase()) || commonPasswords().has(password.trim().toLowerCase())) {
    return 'is too common; choose a password that is not on lists of leaked passwords';
  }
  return null;
}

/**
 * The password policy for sign-up, reset, change and invitation: at least 10 characters, not
 * only whitespace, not a common password. Throws VALIDATION_FAILED (400) naming the field.
 */
export function checkPasswordPolicy(password: unknown, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem)
    throw new ValidationError('The password does not meet the password policy', [{ path: field, message: problem }]);
}
