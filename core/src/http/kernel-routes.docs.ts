import type { JsonSchema } from '@elevate/sdk';

// What the OpenAPI document says about the kernel's own routes (auth, core, the API's own
// description). Their handlers validate by hand, so the published shapes are declared here;
// a test checks that every kernel route has an entry.

export interface KernelRouteDoc {
  summary: string;
  permission?: string;
  body?: JsonSchema;
  /** The route needs no access token. */
  public?: boolean;
  responses?: Readonly<Record<number, JsonSchema | null>>;
}

const PAGE_OF = (item: JsonSchema): JsonSchema => ({
  type: 'object',
  required: ['data', 'total_count', 'limit', 'offset'],
  properties: {
    data: { type: 'array', items: item },
    total_count: { type: 'integer' },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
  },
});
const WEBHOOK: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    url: { type: 'string' },
    description: { type: 'string' },
    events: { type: 'array', items: { type: 'string' } },
    enabled: { type: 'boolean' },
    consecutiveFailures: { type: 'integer' },
    disabledReason: { type: ['string', 'null'] },
    secret: { type: 'string', description: 'only in the answer to a create' },
  },
};
const WEBHOOK_BODY: JsonSchema = {
  type: 'object',
  required: ['url', 'events'],
  additionalProperties: false,
  properties: {
    url: { type: 'string', description: 'http(s), no credentials; private addresses are refused in production' },
    description: { type: 'string', maxLength: 500 },
    events: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: { type: 'string', description: 'an event type of an enabled addon, or a wildcard like `crm.*`' },
    },
    enabled: { type: 'boolean' },
  },
};
const SESSION: JsonSchema = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'expiresIn'],
  properties: {
    accessToken: { type: 'string', description: 'send as `Authorization: Bearer <token>`' },
    refreshToken: { type: 'string' },
    expiresIn: { type: 'integer', description: 'seconds until the access token expires' },
  },
};
const BRANDING: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    logo: { type: ['string', 'null'], description: 'a PNG, JPEG, WebP or SVG image as a base64 data URL' },
    primaryColor: { type: ['string', 'null'], pattern: '^#[0-9a-fA-F]{6}$' },
  },
};
const MANAGE = 'core.addons.manage';
const AUDIT_SETTINGS: JsonSchema = {
  type: 'object',
  required: ['retentionDays'],
  additionalProperties: false,
  properties: { retentionDays: { type: 'integer', minimum: 1, maximum: 36500 } },
};

/** By `METHOD path` as the kernel lists its routes. */
export const kernelRouteDocs: Readonly<Record<string, KernelRouteDoc>> = {
  'POST /api/v1/auth/signup': {
    summary: 'Sign up a new company with its owner, and sign in',
    public: true,
    responses: {
      201: { type: 'object', properties: { tenant: { type: 'object' }, ...(SESSION.properties as object) } },
    },
  },
  'POST /api/v1/auth/login': {
    summary: 'Sign in: an access and a refresh token',
    public: true,
    responses: { 200: SESSION },
  },
  'POST /api/v1/auth/refresh': {
    summary: 'A new access token for a refresh token',
    public: true,
    responses: { 200: SESSION },
  },
  'POST /api/v1/auth/logout': { summary: 'Revoke a refresh token', public: true, responses: { 204: null } },
  'GET /api/v1/core/me': { summary: 'The caller, their company, permissions and enabled addons' },
  'GET /api/v1/core/addons': { summary: "The platform's addons and whether this company has each enabled" },
  'POST /api/v1/core/addons/:id/enable': { summary: 'Enable an addon (and what it depends on)', permission: MANAGE },
  'POST /api/v1/core/addons/:id/disable': { summary: 'Disable an addon; its data stays', permission: MANAGE },
  'DELETE /api/v1/core/addons/:id/data': {
    summary: "Purge a disabled addon's data of this company",
    permission: MANAGE,
    responses: { 204: null },
  },
  'GET /api/v1/core/addons/:id/settings': { summary: "An enabled addon's settings", permission: MANAGE },
  'PUT /api/v1/core/addons/:id/settings': {
    summary: "Change an enabled addon's settings (validated by the addon's settings schema)",
    permission: MANAGE,
    body: { type: 'object' },
  },
  'GET /api/v1/core/schedules': {
    summary: "The schedules of this company's enabled addons and when each runs next",
    permission: MANAGE,
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'POST /api/v1/core/schedules/:name/run': {
    summary: 'Run a schedule once now for this company; poll the job at /jobs/:id',
    permission: MANAGE,
    responses: { 202: { type: 'object' } },
  },
  'GET /api/v1/core/jobs/:id': { summary: 'State, progress and result of a job the caller queued' },
  'GET /api/v1/core/live': {
    summary: "Server-sent events: the company's domain events the caller may see",
    responses: { 200: { type: 'string', description: 'text/event-stream' } },
  },
  'GET /api/v1/core/branding': { summary: "The company's logo and primary colour", responses: { 200: BRANDING } },
  'PUT /api/v1/core/branding': {
    summary: "Change the company's logo or primary colour",
    permission: 'core.settings.manage',
    body: BRANDING,
    responses: { 200: BRANDING },
  },
  'GET /api/v1/core/services': {
    summary: 'Services addons provide, and which addon this company uses for each',
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'PUT /api/v1/core/services/:id': {
    summary: 'Choose the addon that provides a service for this company',
    permission: MANAGE,
    body: {
      type: 'object',
      required: ['addon'],
      properties: { addon: { type: 'string', description: 'an enabled addon providing the service' } },
    },
  },
  'GET /api/v1/core/audit': {
    summary:
      "The company's audit log, newest first: record changes (before/after of the changed fields), logins, exports, addon changes. `record=<id>` is one record's history",
    permission: 'core.audit.read',
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'GET /api/v1/core/audit/export': {
    summary: 'The audit log as CSV, with the same filters as the list (up to 100,000 entries)',
    permission: 'core.audit.read',
    responses: { 200: { type: 'string', description: 'text/csv' } },
  },
  'GET /api/v1/core/audit/settings': {
    summary: 'How many days the audit log is kept',
    permission: 'core.audit.read',
    responses: { 200: AUDIT_SETTINGS },
  },
  'PUT /api/v1/core/audit/settings': {
    summary: 'Change how many days the audit log is kept (entries past it are purged daily)',
    permission: 'core.settings.manage',
    body: AUDIT_SETTINGS,
    responses: { 200: AUDIT_SETTINGS },
  },
  'GET /api/v1/core/webhooks/event-types': {
    summary: 'The event types an endpoint may subscribe to: those of the addons enabled for this company',
    permission: 'core.webhooks.manage',
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'GET /api/v1/core/webhooks': {
    summary: 'Outgoing webhook endpoints (never their secrets)',
    permission: 'core.webhooks.manage',
    responses: { 200: PAGE_OF(WEBHOOK) },
  },
  'POST /api/v1/core/webhooks': {
    summary: 'Add an endpoint; the answer holds its signing secret, shown this once',
    permission: 'core.webhooks.manage',
    body: WEBHOOK_BODY,
    responses: { 201: WEBHOOK },
  },
  'GET /api/v1/core/webhooks/:id': {
    summary: 'One endpoint',
    permission: 'core.webhooks.manage',
    responses: { 200: WEBHOOK },
  },
  'PATCH /api/v1/core/webhooks/:id': {
    summary: 'Change an endpoint; `enabled: true` also clears its failure count',
    permission: 'core.webhooks.manage',
    body: { ...WEBHOOK_BODY, required: [] },
    responses: { 200: WEBHOOK },
  },
  'DELETE /api/v1/core/webhooks/:id': {
    summary: 'Remove an endpoint and its delivery log',
    permission: 'core.webhooks.manage',
    responses: { 204: null },
  },
  'POST /api/v1/core/webhooks/:id/rotate-secret': {
    summary: 'A new signing secret, shown this once; the old one stops signing at once',
    permission: 'core.webhooks.manage',
    responses: { 200: { type: 'object', required: ['secret'], properties: { secret: { type: 'string' } } } },
  },
  'GET /api/v1/core/webhooks/:id/deliveries': {
    summary:
      "An endpoint's delivery log, newest first (status, attempts, status code, duration, error, response excerpt)",
    permission: 'core.webhooks.manage',
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'POST /api/v1/core/webhooks/:id/deliveries/:deliveryId/redeliver': {
    summary: 'Send a logged delivery again (a new delivery, same message id); 409 while the endpoint is disabled',
    permission: 'core.webhooks.manage',
    responses: { 202: { type: 'object' } },
  },
  'GET /api/v1/core/search': {
    summary:
      'Global search (Ctrl/Cmd+K): `q` (1-200 characters), `limit` hits per group (default 5, at most 50), `types` (comma-separated provider types). Accents and case are folded, words match by prefix and with typos; one group per search provider of an enabled addon whose permission the caller holds, record rules applied',
    responses: {
      200: {
        type: 'object',
        required: ['q', 'terms', 'groups'],
        properties: {
          q: { type: 'string' },
          terms: { type: 'array', items: { type: 'string' } },
          groups: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'label', 'addon', 'hits'],
              properties: {
                type: { type: 'string' },
                label: { type: 'string' },
                addon: { type: 'string' },
                hits: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['id', 'title', 'href', 'score'],
                    properties: {
                      id: { type: 'string' },
                      title: { type: 'string' },
                      subtitle: { type: ['string', 'null'] },
                      href: { type: 'string' },
                      score: { type: 'number' },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
  'GET /api/v1/core/notifications': {
    summary: "The caller's in-app notifications, newest first (`unread=true`: only unread); with `unread_count`",
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'GET /api/v1/core/notifications/unread-count': {
    summary: "How many of the caller's notifications are unread (the bell's number)",
    responses: { 200: { type: 'object', properties: { unread: { type: 'integer' } } } },
  },
  'POST /api/v1/core/notifications/read-all': {
    summary: "Mark all the caller's notifications read",
    responses: { 200: { type: 'object', properties: { marked: { type: 'integer' } } } },
  },
  'POST /api/v1/core/notifications/:id/read': {
    summary: "Mark one of the caller's notifications read (404 for anyone else's)",
    responses: { 200: { type: 'object' } },
  },
  'GET /api/v1/core/notifications/preferences': {
    summary:
      "The caller's channel per notification type (`in-app`, the default, `email`, `digest` or `off`), with each type's title",
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'PUT /api/v1/core/notifications/preferences': {
    summary: "Set the caller's channel for some notification types",
    body: {
      type: 'object',
      required: ['preferences'],
      properties: {
        preferences: {
          type: 'array',
          items: {
            type: 'object',
            required: ['type', 'channel'],
            properties: {
              type: { type: 'string' },
              channel: { type: 'string', enum: ['in-app', 'email', 'digest', 'off'] },
            },
          },
        },
      },
    },
    responses: { 200: PAGE_OF({ type: 'object' }) },
  },
  'GET /api/v1/openapi.json': {
    summary: "This document: the kernel's and the company's enabled addons' REST routes",
    responses: { 200: { type: 'object', description: 'an OpenAPI 3.1 document' } },
  },
  'GET /api/v1/graphql.sdl': {
    summary: "The company's GraphQL schema as SDL (text/plain), types sorted by name",
    responses: { 200: { type: 'string' } },
  },
};
