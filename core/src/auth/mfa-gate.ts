import { AppError } from '@elevate/sdk';

/**
 * A company that requires two-step sign-in gates the sessions of its users who have no second
 * factor yet: such a session may only read who it is and enrol a factor; every other API answers
 * `403 MFA_ENROLMENT_REQUIRED` until a factor is confirmed (the next request then has full
 * scope). The gate is read on every request in the opening round trip (openWithPrincipal), so it
 * also closes at once on a session that was full before: the requirement switched on, or an
 * admin reset the user's factor. API keys are not gated: they are an integration's credential,
 * created by an admin, not a person signing in.
 */
const ALLOWED: ReadonlySet<string> = new Set([
  'GET /api/v1/core/me',
  'GET /api/v1/core/branding',
  'GET /api/v1/core/account/mfa',
  'POST /api/v1/core/account/mfa/enrol',
  'POST /api/v1/core/account/mfa/confirm',
  'POST /api/v1/core/account/webauthn/register/options',
  'POST /api/v1/core/account/webauthn/register',
]);

/** May a gated session make this request? */
export function allowedWhileGated(method: string, path: string): boolean {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  return ALLOWED.has(`${method === 'HEAD' ? 'GET' : method} ${p}`);
}

export const mfaEnrolmentRequired = () =>
  new AppError(
    'MFA_ENROLMENT_REQUIRED',
    'Your company requires two-step sign-in: set it up before you continue (GET /api/v1/core/account/mfa)',
    { status: 403 },
  );
