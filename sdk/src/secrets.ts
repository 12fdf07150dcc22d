/**
 * Encryption at rest for what an addon must keep but never show: API keys of an integration,
 * webhook signing secrets (`ctx.secrets`). AES-256-GCM under a key only the platform holds
 * (derived from its process secret), bound to the tenant: a value sealed for one tenant does not
 * open for another, so a row copied across tenants is useless.
 */
export interface Secrets {
  /** An opaque string (`v1.…`, ~1.4× the input + 40 characters) to store instead of the secret. */
  seal(plain: string): string;
  /** The secret back. Throws SECRET_UNREADABLE (500) when it was sealed elsewhere or altered. */
  open(sealed: string): string;
}
