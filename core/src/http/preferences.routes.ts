import { isLanguage, LANGUAGES, ValidationError } from '@elevate/sdk';
import type Router from '@koa/router';
import type { KernelRouteDoc } from './kernel-routes.docs.ts';
import type { State } from './state.ts';

// The signed-in user's own formatting preferences: a locale (BCP 47, e.g. "de-DE") and an IANA
// time zone (e.g. "Asia/Kolkata"), and the language the app is shown in (en, de, es).
// null: the browser decides (Accept-Language, its time zone).

export interface FormatPreferences {
  locale: string | null;
  timeZone: string | null;
  language: string | null;
}

const PREFS = {
  type: 'object',
  additionalProperties: false,
  properties: {
    locale: { type: ['string', 'null'], maxLength: 35, description: 'BCP 47, e.g. "de-DE"; null: the browser' },
    timeZone: { type: ['string', 'null'], maxLength: 64, description: 'IANA, e.g. "Asia/Kolkata"; null: the browser' },
    language: {
      type: ['string', 'null'],
      enum: [...LANGUAGES, null],
      description: 'The language of the app and of error messages; null: the browser',
    },
  },
};

export const preferencesRouteDocs: Record<string, KernelRouteDoc> = {
  'GET /api/v1/core/account/preferences': {
    summary: "The signed-in user's locale and time zone for dates, times, numbers and amounts, and their language",
    responses: { 200: PREFS },
  },
  'PUT /api/v1/core/account/preferences': {
    summary: "Set the signed-in user's locale, time zone and/or language (null: follow the browser)",
    body: PREFS,
    responses: { 200: PREFS },
  },
};

/** A locale this runtime can format in, in canonical form; null when it cannot. */
export function canonicalLocale(tag: unknown): string | null {
  if (typeof tag !== 'string' || !tag || tag.length > 35) return null;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical && Intl.DateTimeFormat.supportedLocalesOf(canonical).length ? canonical : null;
  } catch {
    return null;
  }
}

const ZONES = new Map(Intl.supportedValuesOf('timeZone').map((z) => [z.toLowerCase(), z]));

/**
 * An IANA time zone this runtime knows, as the user wrote it ("Asia/Kolkata" stays so, though ICU
 * resolves it to its alias Asia/Calcutta), in the list's case when only the case differs; null when unknown.
 */
export function canonicalTimeZone(tz: unknown): string | null {
  if (typeof tz !== 'string' || !tz || tz.length > 64) return null;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    return null;
  }
  return ZONES.get(tz.toLowerCase()) ?? tz;
}

export function checkPreferences(body: unknown): Partial<FormatPreferences> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new ValidationError('Invalid request body', [{ path: '', message: 'must be an object' }]);
  }
  const b = body as Record<string, unknown>;
  const details: { path: string; message: string }[] = [];
  const out: Partial<FormatPreferences> = {};
  for (const k of Object.keys(b)) {
    if (k !== 'locale' && k !== 'timeZone' && k !== 'language')
      details.push({ path: k, message: 'is not a known field' });
  }
  if (b.locale !== undefined) {
    const locale = b.locale === null ? null : canonicalLocale(b.locale);
    if (b.locale !== null && !locale)
      details.push({ path: 'locale', message: 'must be a locale like "de-DE" or null' });
    else out.locale = locale;
  }
  if (b.timeZone !== undefined) {
    const tz = b.timeZone === null ? null : canonicalTimeZone(b.timeZone);
    if (b.timeZone !== null && !tz) {
      details.push({ path: 'timeZone', message: 'must be an IANA time zone like "Europe/Berlin" or null' });
    } else out.timeZone = tz;
  }
  if (b.language !== undefined) {
    if (b.language !== null && !isLanguage(b.language)) {
      details.push({ path: 'language', message: `must be one of ${LANGUAGES.join(', ')} or null` });
    } else out.language = b.language;
  }
  if (details.length) throw new ValidationError('Invalid preferences', details);
  return out;
}

type Db = { query<T>(sql: string, params?: readonly unknown[]): Promise<T[]> };

export async function readPreferences(db: Db, tenantId: string, userId: string): Promise<FormatPreferences> {
  const rows = await db.query<FormatPreferences>(
    'select locale, time_zone as "timeZone", language from core_user where tenant_id = $1 and id = $2',
    [tenantId, userId],
  );
  return rows[0] ?? { locale: null, timeZone: null, language: null };
}

export function preferencesRoutes(r: Router<State>): void {
  const req = (s: State) => {
    if (!s.rc || !s.tx) throw new Error('preferences route without request context');
    return { rc: s.rc, tx: s.tx };
  };
  r.get('/account/preferences', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    ctx.body = await readPreferences(tx, rc.tenant.id, rc.user.id);
  });
  r.put('/account/preferences', async (ctx) => {
    const { rc, tx } = req(ctx.state);
    const p = checkPreferences(ctx.request.body);
    const rows = await tx.query<FormatPreferences>(
      `update core_user set
         locale = case when $3 then $4 else locale end,
         time_zone = case when $5 then $6 else time_zone end,
         language = case when $7 then $8 else language end,
         updated_at = now()
       where tenant_id = $1 and id = $2 returning locale, time_zone as "timeZone", language`,
      [
        rc.tenant.id,
        rc.user.id,
        'locale' in p,
        p.locale ?? null,
        'timeZone' in p,
        p.timeZone ?? null,
        'language' in p,
        p.language ?? null,
      ],
    );
    ctx.body = rows[0] ?? { locale: null, timeZone: null, language: null };
  });
}
