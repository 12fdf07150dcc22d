import type { RequestContext } from '@elevate/sdk';
import type { TenantTx } from '../db/tenant-tx.ts';
import type { Log } from '../logger.ts';

/** What Koa middleware keeps per request. */
export interface State {
  requestId: string;
  log: Log;
  rc?: RequestContext;
  tx?: TenantTx;
  enabled?: ReadonlySet<string>;
  patterns?: readonly string[];
  /** Expiry (epoch seconds) of the access token that authenticated the request. */
  tokenExp?: number;
  /** The request only reads (a GraphQL document without mutation): a read-only transaction. */
  readOnly?: boolean;
  /** The POST /graphql body, read before the transaction opens. */
  graphqlBody?: Buffer;
  /** The body of a JSON POST /graphql, parsed once (graphql/yoga.ts). */
  graphqlParams?: {
    query?: unknown;
    variables?: Record<string, unknown> | null;
    operationName?: unknown;
    extensions?: unknown;
  };
  /** The session family of the access token (absent for an API key). */
  familyId?: string;
  /** The API key that authenticated the request (absent for a user's access token). */
  apiKeyId?: string;
  /**
   * The company requires two-step sign-in and the user has no factor yet: this session may only
   * enrol one (auth/mfa-gate.ts).
   */
  mfaGate?: boolean;
  /** Set when a GraphQL resolver failed: the transaction is rolled back. */
  failed?: boolean;
}
