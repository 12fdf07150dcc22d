import { AsyncLocalStorage } from 'node:async_hooks';
import { isLanguage } from '@elevate/sdk';
import { loadLanguage, setFormatSource, setLanguageSource } from '@elevate/sdk/web/host';
import type { Handle } from '@sveltejs/kit/hooks';
import { LANGUAGE_COOKIE, resolveFormat, resolveLanguage, TIME_ZONE_COOKIE } from '#lib/server/format-settings.ts';
import '#lib/i18n.ts';
import '#lib/addons/registry.ts';
import { CLIENT_IP_HEADER } from '#lib/server/kernel.ts';
import { freshAccessToken, readClaims } from '#lib/server/session.ts';
import { tenantBase } from '#lib/tenant.ts';
import { themeCookie } from '#lib/theme.ts';
import { TENANT_DOMAIN } from '$app/env/public';

// Dates and amounts are rendered with the settings of the request being rendered (concurrent
// requests each see their own): `locals.format`, which the app layout may refine from the profile.
const rendering = new AsyncLocalStorage<App.Locals>();
setFormatSource(() => rendering.getStore()?.format);
setLanguageSource(() => rendering.getStore()?.language);

/** Resolves the tenant and its session (refreshing it once when due) for every request of /t/<slug>. */
export const handle: Handle = async ({ event, resolve }) => {
  const slug = event.params.tenant ?? null;
  event.locals.tenant = slug;
  event.locals.accessToken = null;
  event.locals.userId = null;
  // The login page's language chooser is a link with ?lang=<language>: remembered in a cookie.
  const asked = event.url.searchParams.get('lang');
  if (isLanguage(asked)) {
    event.cookies.set(LANGUAGE_COOKIE, asked, {
      path: '/',
      maxAge: 365 * 24 * 3600,
      httpOnly: true,
      sameSite: 'lax',
      secure: event.url.protocol === 'https:',
    });
  }
  const acceptLanguage = event.request.headers.get('accept-language');
  const { language, chosen } = resolveLanguage({
    cookie: isLanguage(asked) ? asked : event.cookies.get(LANGUAGE_COOKIE),
    acceptLanguage,
  });
  event.locals.language = language;
  event.locals.languageChosen = chosen;
  // Form actions and endpoints run before any layout load: the catalogues are there for them too.
  await loadLanguage(language);
  event.locals.format = resolveFormat({
    acceptLanguage,
    timeZoneCookie: event.cookies.get(TIME_ZONE_COOKIE),
    language: chosen ? language : null,
  });
  if (slug) {
    const base = tenantBase(event.url, slug, TENANT_DOMAIN);
    const token = await freshAccessToken(
      event.cookies,
      slug,
      base,
      event.url.protocol === 'https:',
      event.request.headers.get(CLIENT_IP_HEADER),
    );
    event.locals.accessToken = token;
    event.locals.userId = (token && readClaims(token)?.sub) || null;
  }
  // The theme is remembered per user (cookie per user id) and rendered on the server: no flash.
  const theme = event.locals.userId ? event.cookies.get(themeCookie(event.locals.userId)) : undefined;
  const response = await rendering.run(event.locals, () =>
    resolve(event, {
      transformPageChunk: ({ html }) =>
        html
          .replace('%elevate.theme%', theme === 'dark' || theme === 'light' ? theme : '')
          .replace('<html lang="en"', `<html lang="${event.locals.language}"`),
    }),
  );
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  if (!response.headers.has('x-frame-options')) response.headers.set('x-frame-options', 'DENY');
  // Pages and page data carry the user's records: never kept by a browser or a shared cache.
  // (Hashed assets under /_app/immutable never get here: the build serves them, cached for a year.)
  if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
  return response;
};
