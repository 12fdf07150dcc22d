import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError, evaluateCondition, NotFoundError, ValidationError } from '@elevate/sdk';
import type { ValidateFunction } from 'ajv';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';
import type { Runtime } from '../runtime.ts';
import { sign } from '../webhooks/webhooks.ts';
import type { AutomationEngine } from './engine.ts';
import { RULE_COLUMNS, type RuleRow, type RunTrigger } from './rows.ts';
import { details, inboundAjv } from './validate.ts';

/** How far a signed delivery's `webhook-timestamp` may be from now (Standard Webhooks: 5 minutes). */
export const SIGNATURE_TOLERANCE_SEC = 300;
/** `webhook-id`: the sender's delivery id, the idempotency key (as Standard Webhooks says). */
const DELIVERY_ID = /^[\x21-\x7e]{1,200}$/;

/** An inbound URL as its admin sees it afterwards (the token is kept as a hash: never again shown). */
export interface InboundInfo {
  ruleId: string;
  tokenHint: string;
  signed: boolean;
  createdAt: string;
  rotatedAt: string | null;
  lastUsedAt: string | null;
}

/** The answer that makes or rotates a URL: the URL (with its token) and the secret, shown this once. */
export interface InboundCreated extends InboundInfo {
  url: string;
  secret: string | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const COLUMNS = `rule_id as "ruleId", token_hint as "tokenHint", secret is not null as signed,
  created_at as "createdAt", rotated_at as "rotatedAt", last_used_at as "lastUsedAt"`;

/** The path of a rule's inbound URL (below PUBLIC_URL). */
export const inboundPath = (tenantId: string, token: string) => `/api/v1/core/automation/inbound/${tenantId}/${token}`;

/**
 * Inbound webhooks (docs/automation.md#inbound-webhooks): a rule with an `inbound` trigger gets
 * one unguessable URL (256 random bits; only its SHA-256 is stored), optionally signed with an
 * HMAC secret; a delivery becomes one run of the rule, once per `webhook-id`.
 */
export function inboundHooks(rt: Runtime, engine: AutomationEngine) {
  const bodyValidators = new Map<string, { key: string; v: ValidateFunction }>();

  async function inboundRule(tx: TenantTx, ruleId: string): Promise<RuleRow> {
    const rows = isUuid(ruleId)
      ? await tx.query<RuleRow>(`select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 and id = $2`, [
          tx.tenantId,
          ruleId,
        ])
      : [];
    const rule = rows[0];
    if (!rule) throw new NotFoundError('Automation rule');
    if (rule.trigger.type !== 'inbound') {
      throw new ValidationError('Only a rule with an inbound trigger has an inbound URL', [
        { path: 'trigger.type', message: `the rule's trigger is "${rule.trigger.type}", not "inbound"` },
      ]);
    }
    return rule;
  }
  const fresh = (signed: boolean) => {
    const token = `inb_${randomBytes(32).toString('base64url')}`;
    return { token, secret: signed ? `whsec_${randomBytes(24).toString('base64')}` : null };
  };
  const answer = (tx: TenantTx, info: InboundInfo, token: string, secret: string | null): InboundCreated => ({
    ...info,
    url: `${rt.config.publicUrl}${inboundPath(tx.tenantId, token)}`,
    secret,
  });

  return {
    async get(tx: TenantTx, ruleId: string): Promise<InboundInfo> {
      await inboundRule(tx, ruleId);
      const rows = await tx.query<InboundInfo>(
        `select ${COLUMNS} from core_automation_inbound where tenant_id = $1 and rule_id = $2`,
        [tx.tenantId, ruleId],
      );
      if (!rows[0]) throw new NotFoundError('Inbound URL');
      return rows[0];
    },
    /** Makes the rule's URL (409 when it has one: rotate or revoke it). */
    async create(tx: TenantTx, ruleId: string, createdBy: string, body: unknown): Promise<InboundCreated> {
      const signed = checkSigned(body);
      await inboundRule(tx, ruleId);
      const { token, secret } = fresh(signed);
      const rows = await tx.query<InboundInfo>(
        `insert into core_automation_inbound (tenant_id, rule_id, token_hash, token_hint, secret, created_by)
         values ($1, $2, $3, $4, $5, $6) on conflict (tenant_id, rule_id) do nothing returning ${COLUMNS}`,
        [tx.tenantId, ruleId, hash(token), token.slice(0, 10), secret, createdBy],
      );
      if (!rows[0]) {
        throw new AppError('INBOUND_EXISTS', 'The rule has an inbound URL already: rotate or revoke it', {
          status: 409,
        });
      }
      return answer(tx, rows[0], token, secret);
    },
    /** A new token (the old URL stops at once) and, for a signed URL or `signed: true`, a new secret. */
    async rotate(tx: TenantTx, ruleId: string, body: unknown): Promise<InboundCreated> {
      const given = body && typeof body === 'object' && 'signed' in body ? checkSigned(body) : null;
      const current = await this.get(tx, ruleId);
      const { token, secret } = fresh(given ?? current.signed);
      const rows = await tx.query<InboundInfo>(
        `update core_automation_inbound set token_hash = $3, token_hint = $4, secret = $5, rotated_at = now()
         where tenant_id = $1 and rule_id = $2 returning ${COLUMNS}`,
        [tx.tenantId, ruleId, hash(token), token.slice(0, 10), secret],
      );
      return answer(tx, rows[0] as InboundInfo, token, secret);
    },
    async revoke(tx: TenantTx, ruleId: string): Promise<void> {
      await this.get(tx, ruleId);
      await tx.query('delete from core_automation_inbound where tenant_id = $1 and rule_id = $2', [
        tx.tenantId,
        ruleId,
      ]);
    },

    /**
     * One delivery, in the tenant's transaction (the app role, under row-level security): the
     * token names the rule; signature, content type, size and body are checked; the rule's
     * conditions decide; the run is written once per `webhook-id`. The rule's actions then run as
     * the engine runs any rule's (as the tenant, with the rule owner's permissions where asked).
     */
    async receive(
      tx: TenantTx,
      token: string,
      req: {
        headers: Record<string, string | string[] | undefined>;
        contentType: string;
        rawBody: string;
        body: unknown;
      },
    ): Promise<{ status: number; body: { runId: string | null; matched: boolean; duplicate: boolean } }> {
      const rows = await tx.query<{ ruleId: string; secret: string | null }>(
        `select rule_id as "ruleId", secret from core_automation_inbound where tenant_id = $1 and token_hash = $2`,
        [tx.tenantId, hash(token)],
      );
      const hook = rows[0];
      const ruleRows = hook
        ? await tx.query<RuleRow>(`select ${RULE_COLUMNS} from core_automation_rule where tenant_id = $1 and id = $2`, [
            tx.tenantId,
            hook.ruleId,
          ])
        : [];
      const rule = ruleRows[0];
      if (!hook || !rule || rule.trigger.type !== 'inbound') throw new NotFoundError('Inbound URL');

      const header = (name: string) => {
        const v = req.headers[name];
        return Array.isArray(v) ? v[0] : v;
      };
      const deliveryId = header('webhook-id');
      if (deliveryId !== undefined && !DELIVERY_ID.test(deliveryId)) {
        throw new ValidationError('Invalid delivery id', [
          { path: 'webhook-id', message: 'must be 1 to 200 visible ASCII characters' },
        ]);
      }
      if (hook.secret)
        verifySignature(hook.secret, deliveryId, header('webhook-timestamp'), header('webhook-signature'), req.rawBody);
      if (!/^application\/([\w.+-]+\+)?json$/i.test(req.contentType.split(';')[0]?.trim() ?? '')) {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json', { status: 415 });
      }
      const max = rt.config.automation.inboundMaxBytes;
      if (Buffer.byteLength(req.rawBody, 'utf8') > max) {
        throw new AppError('PAYLOAD_TOO_LARGE', `The body is larger than ${max} bytes`, { status: 413 });
      }
      if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) {
        throw new ValidationError('Invalid body', [{ path: 'body', message: 'must be a JSON object' }]);
      }
      const schema = rule.trigger.body;
      if (schema) {
        const key = JSON.stringify(schema);
        let entry = bodyValidators.get(rule.id);
        if (entry?.key !== key) {
          entry = { key, v: inboundAjv.compile(schema) };
          bodyValidators.set(rule.id, entry);
        }
        if (!entry.v(req.body)) throw new ValidationError('Invalid body', details(entry.v.errors, 'body'));
      }
      if (!rule.enabled) throw new AppError('RULE_DISABLED', 'The rule is disabled', { status: 409 });
      const enabled = await rt.enabledAddons(tx.tenantId);
      const paused = engine.catalog.pausedReason(rule.trigger, rule.actions, enabled);
      if (paused) throw new AppError('RULE_PAUSED', paused, { status: 409 });

      // At most once a minute: the row is audited, and a busy form must not write an entry per post.
      await tx.query(
        `update core_automation_inbound set last_used_at = now() where tenant_id = $1 and rule_id = $2
           and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
        [tx.tenantId, rule.id],
      );
      const trigger: RunTrigger = {
        payload: req.body,
        model: null,
        recordId: null,
        record: null,
        changes: [],
        occurredAt: engine.clock.now().toISOString(),
      };
      if (!evaluateCondition(rule.conditions, trigger)) {
        return { status: 202, body: { runId: null, matched: false, duplicate: false } };
      }
      const eventKey = `inbound:${deliveryId ?? randomBytes(16).toString('hex')}`;
      const runId = await engine.insertRun(tx, rule, { eventKey, eventName: 'core.inbound', trigger, depth: 0 });
      if (!runId) {
        const had = await tx.query<{ id: string }>(
          'select id from core_automation_run where tenant_id = $1 and rule_id = $2 and event_key = $3 and not dry_run',
          [tx.tenantId, rule.id, eventKey],
        );
        return { status: 200, body: { runId: had[0]?.id ?? null, matched: true, duplicate: true } };
      }
      const tenantId = tx.tenantId;
      tx.onCommit(() => {
        engine.pump(tenantId).catch((err) => rt.log.warn({ err: String(err) }, 'automation pump failed'));
      });
      return { status: 202, body: { runId, matched: true, duplicate: false } };
    },
  };
}

function checkSigned(body: unknown): boolean {
  const b = (body ?? {}) as Record<string, unknown>;
  const extra = typeof b === 'object' ? Object.keys(b).filter((k) => k !== 'signed') : [];
  if (
    typeof body !== 'object' ||
    Array.isArray(body) ||
    extra.length ||
    (b.signed !== undefined && typeof b.signed !== 'boolean')
  ) {
    throw new ValidationError('Invalid request body', [
      ...(b.signed !== undefined && typeof b.signed !== 'boolean'
        ? [{ path: 'signed', message: 'must be true or false' }]
        : []),
      ...extra.map((k) => ({ path: k, message: 'is not allowed' })),
    ]);
  }
  return b.signed === true;
}

function refuse(why: string): never {
  throw new AppError('INVALID_SIGNATURE', `The delivery's signature does not verify: ${why}`, { status: 401 });
}

/**
 * Standard Webhooks verification: `webhook-signature` holds one or more space-separated `v1,<base64>`
 * signatures of `<webhook-id>.<webhook-timestamp>.<raw body>` (HMAC-SHA256, the secret's bytes after
 * `whsec_`); the timestamp must be within five minutes of now. Anything else is 401.
 */
function verifySignature(
  secret: string,
  id: string | undefined,
  timestamp: string | undefined,
  signature: string | undefined,
  rawBody: string,
): void {
  if (!id || !timestamp || !signature) refuse('webhook-id, webhook-timestamp and webhook-signature are required');
  if (!/^\d{1,12}$/.test(timestamp)) refuse('webhook-timestamp must be seconds since 1970');
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SEC) {
    refuse('webhook-timestamp is more than 5 minutes from now');
  }
  const expected = Buffer.from(sign(secret, id, Number(timestamp), rawBody));
  const ok = signature
    .split(' ')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
  if (!ok) refuse('no signature matches');
}
