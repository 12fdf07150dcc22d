import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { AppError, NotFoundError, parseGrant, type UserInfo, ValidationError } from '@elevate/sdk';
import { CUSTOM_FIELDS_STAMP_SQL } from '../custom-fields/stamp.ts';
import type { TenantTx } from '../db/tenant-tx.ts';
import { isUuid } from '../db/uuid.ts';

/**
 * API keys for integrations. A key reads `ek_live_<key id, 32 hex><tenant id, 32 hex><secret>`:
 * the tenant and the key id travel in the key, so the request's first round trip can find it;
 * only SHA-256 of the 256-bit secret is stored (a secret that long needs no slow hash: nobody can
 * guess it, so there is nothing for a slow hash to slow down).
 */
export const API_KEY_PREFIX = 'ek_live_';
const HEX32 = /^[0-9a-f]{32}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const GRANT = /^(\*|[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*(\.\*)?)(@(own|team|all))?$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const sameHash = (a: string, b: string) =>
  HEX64.test(a) && HEX64.test(b) && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
const hex = (uuid: string) => uuid.replaceAll('-', '');
const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

export const isApiKey = (token: string) => token.startsWith(API_KEY_PREFIX);

/** The parts of a presented key, or null when it is not one of ours. */
export function parseApiKey(token: string): { keyId: string; tenantId: string; secretHash: string } | null {
  if (!isApiKey(token)) return null;
  const rest = token.slice(API_KEY_PREFIX.length);
  const k = rest.slice(0, 32);
  const t = rest.slice(32, 64);
  const secret = rest.slice(64);
  if (!HEX32.test(k) || !HEX32.test(t) || !SECRET.test(secret)) return null;
  const keyId = uuid(k);
  const tenantId = uuid(t);
  if (!isUuid(keyId) || !isUuid(tenantId)) return null;
  return { keyId, tenantId, secretHash: sha256(secret) };
}

const RANK = { own: 1, team: 2, all: 3 } as const;

/** Does the granted pattern `held` cover everything pattern `wanted` covers (scope included)? */
export function patternCovers(held: string, wanted: string): boolean {
  const h = parseGrant(held);
  const w = parseGrant(wanted);
  if (RANK[h.scope] < RANK[w.scope]) return false;
  if (h.pattern === '*') return true;
  if (w.pattern === '*') return false;
  if (h.pattern === w.pattern) return true;
  if (!h.pattern.endsWith('.*')) return false;
  const stem = h.pattern.slice(0, -1);
  return w.pattern.startsWith(stem);
}

const narrower = (a: string, b: string) => {
  const sa = parseGrant(a).scope;
  const sb = parseGrant(b).scope;
  return RANK[sa] <= RANK[sb] ? sa : sb;
};
const withScope = (pattern: string, scope: 'own' | 'team' | 'all') =>
  scope === 'all' ? pattern : `${pattern}@${scope}`;

/**
 * What a key may do on this request: its own patterns, cut down to what its creator holds now
 * (a creator who lost a permission, or was deactivated, takes it away from their keys at once).
 */
export function intersectPatterns(key: readonly string[], user: readonly string[]): string[] {
  const out = new Set<string>();
  for (const k of key) {
    for (const u of user) {
      const kp = parseGrant(k).pattern;
      const up = parseGrant(u).pattern;
      if (patternCovers(up, kp)) out.add(withScope(kp, narrower(k, u)));
      else if (patternCovers(kp, up)) out.add(withScope(up, narrower(k, u)));
    }
  }
  return [...out];
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  prefix: string;
  permissions: string[];
  createdBy: { id: string; name: string } | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

const SELECT = `select k.id, k.name, k.prefix, k.permissions, k.expires_at as "expiresAt", k.last_used_at as "lastUsedAt",
  k.revoked_at as "revokedAt", k.created_at as "createdAt",
  case when u.id is null then null else json_build_object('id', u.id, 'name', u.name) end as "createdBy"
  from core_api_key k left join core_user u on u.tenant_id = k.tenant_id and u.id = k.created_by`;

export interface CreateApiKeyInput {
  name: string;
  permissions: string[];
  /** ISO date-time; absent: the key does not expire. */
  expiresAt?: string;
}

/** Create, list, revoke; the request path resolves keys in `openWithApiKey` (sessions.ts). */
export class ApiKeys {
  /** Creates a key carrying a subset of the creator's permissions; the key itself is only in this answer. */
  async create(
    tx: TenantTx,
    creator: UserInfo,
    creatorPatterns: readonly string[],
    input: CreateApiKeyInput,
  ): Promise<ApiKeyInfo & { key: string }> {
    const details: { path: string; message: string }[] = [];
    const permissions = [...new Set(input.permissions.map((p) => p.trim()))];
    permissions.forEach((p, i) => {
      if (!GRANT.test(p)) details.push({ path: `permissions/${i}`, message: `"${p}" is not a permission pattern` });
    });
    let expiresAt: Date | null = null;
    if (input.expiresAt !== undefined) {
      expiresAt = new Date(input.expiresAt);
      if (Number.isNaN(expiresAt.getTime())) details.push({ path: 'expiresAt', message: 'must be a date-time' });
      else if (expiresAt.getTime() <= Date.now()) details.push({ path: 'expiresAt', message: 'must be in the future' });
    }
    if (!input.name.trim()) details.push({ path: 'name', message: 'must not be blank' });
    if (details.length) throw new ValidationError('Invalid API key', details);
    for (const p of permissions) {
      if (!creatorPatterns.some((h) => patternCovers(h, p))) {
        throw new AppError('PERMISSION_NOT_HELD', `You cannot give a key "${p}": you do not hold it yourself`, {
          status: 403,
          details: [{ path: `permissions/${permissions.indexOf(p)}`, message: 'not held by you', permission: p }],
        });
      }
    }
    const id = randomUUID();
    const secret = randomBytes(32).toString('base64url');
    const key = `${API_KEY_PREFIX}${hex(id)}${hex(tx.tenantId)}${secret}`;
    const prefix = key.slice(0, API_KEY_PREFIX.length + 8);
    await tx.query(
      `insert into core_api_key (tenant_id, id, name, prefix, token_hash, permissions, created_by, expires_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tx.tenantId, id, input.name.trim(), prefix, sha256(secret), permissions, creator.id, expiresAt],
    );
    const info = await this.get(tx, id);
    return { ...info, key };
  }

  async get(tx: TenantTx, id: string): Promise<ApiKeyInfo> {
    if (!isUuid(id)) throw new NotFoundError('API key');
    const rows = await tx.query<ApiKeyInfo>(`${SELECT} where k.tenant_id = $2 and k.id = $1`, [id, tx.tenantId]);
    if (!rows[0]) throw new NotFoundError('API key');
    return rows[0];
  }

  /** Every key of the tenant, newest first (never the key itself: it is not stored). */
  async list(tx: TenantTx): Promise<ApiKeyInfo[]> {
    return tx.query<ApiKeyInfo>(`${SELECT} where k.tenant_id = $1 order by k.created_at desc`, [tx.tenantId]);
  }

  /** Stops the key at once: the next request with it is refused. */
  async revoke(tx: TenantTx, id: string): Promise<void> {
    if (!isUuid(id)) throw new NotFoundError('API key');
    const rows = await tx.query(
      'update core_api_key set revoked_at = coalesce(revoked_at, now()) where tenant_id = $2 and id = $1 returning id',
      [id, tx.tenantId],
    );
    if (!rows[0]) throw new NotFoundError('API key');
  }
}

/**
 * The key's row as the request's first round trip reads it. Only UUID literals, so the opening
 * runs as a prepared statement (db/tenant-tx.ts); the hash is compared here, in constant time.
 */
export function apiKeyPrincipalSql(tenantId: string, keyId: string): string {
  if (!isUuid(tenantId) || !isUuid(keyId)) throw new AppError('BAD_KEY', 'bad key');
  return `select u.id, u.email, u.name, u.locale, u.time_zone as "timeZone", u.language, u.active, k.permissions as key_permissions, k.token_hash,
       (k.revoked_at is null and (k.expires_at is null or k.expires_at > now())) as live,
       extract(epoch from k.expires_at)::bigint as expires,
       (k.last_used_at is null or k.last_used_at < now() - make_interval(secs => 60)) as stale,
       (select array_agg(distinct p) from core_user_role ur join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id,
          unnest(r.permissions) p where ur.tenant_id = u.tenant_id and ur.user_id = u.id) as patterns,
       ${CUSTOM_FIELDS_STAMP_SQL}
     from core_api_key k join core_user u on u.tenant_id = k.tenant_id and u.id = k.created_by
     where k.tenant_id = '${tenantId}' and k.id = '${keyId}'`;
}

/** Last writes of `last_used_at` by this process, per key: at most one a minute (the SQL guards across processes). */
const lastTouched = new Map<string, number>();
const TOUCH_MS = 60_000;

/** Counts the `last_used_at` writes this process sent (docs/security.md quotes what it measured). */
export const apiKeyTouches = { sent: 0 };

/**
 * Opens the request's transaction and reads the key, its creator and the creator's permission
 * patterns in the same round trip. Null for an unknown, revoked or expired key or an inactive
 * creator. The key's `last_used_at` is written after the request, off its path, at most once a
 * minute per key.
 */
export async function openWithApiKey(
  tx: TenantTx,
  key: { keyId: string; secretHash: string },
  readOnly: boolean,
  touch: (fn: (tx: TenantTx) => Promise<unknown>) => void,
): Promise<{ user: UserInfo; patterns: string[]; expires: number | null; customFieldsStamp: string } | null> {
  const rows = (await tx.open({
    readOnly,
    extra: apiKeyPrincipalSql(tx.tenantId, key.keyId),
  })) as unknown as (UserInfo & {
    token_hash: string;
    active: boolean;
    live: boolean;
    stale: boolean;
    expires: string | null;
    key_permissions: string[];
    patterns: string[] | null;
    cf_stamp: string;
  })[];
  const row = rows[0];
  if (!row || !sameHash(row.token_hash, key.secretHash) || !row.active || !row.live) return null;
  const now = Date.now();
  if (row.stale && now - (lastTouched.get(key.keyId) ?? 0) >= TOUCH_MS) {
    lastTouched.set(key.keyId, now);
    if (lastTouched.size > 10_000) lastTouched.clear();
    apiKeyTouches.sent += 1;
    touch((t) =>
      t.query(
        `update core_api_key set last_used_at = now() where tenant_id = $2 and id = $1
           and (last_used_at is null or last_used_at < now() - interval '60 seconds')`,
        [key.keyId, t.tenantId],
      ),
    );
  }
  return {
    user: {
      id: row.id,
      email: row.email,
      name: row.name,
      locale: row.locale ?? null,
      timeZone: row.timeZone ?? null,
      language: row.language ?? null,
    },
    patterns: intersectPatterns(row.key_permissions, row.patterns ?? []),
    expires: row.expires === null ? null : Number(row.expires),
    customFieldsStamp: row.cf_stamp,
  };
}
