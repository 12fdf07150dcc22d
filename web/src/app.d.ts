// See https://svelte.dev/docs/kit/types#app.d.ts
declare global {
  namespace App {
    interface Locals {
      /** The tenant named by the URL (`/t/<slug>` or `<slug>.<TENANT_DOMAIN>`), if any. */
      tenant: string | null;
      /** A fresh access token for that tenant, read from the httpOnly cookie (refreshed if needed). */
      accessToken: string | null;
      /** The user id inside the access token (used for per-user preferences such as the theme). */
      userId: string | null;
      /** Locale and time zone that dates and amounts are rendered in (see #lib/server/format-settings.ts). */
      format: import('@elevate/sdk/web').FormatSettings;
      /** The language pages are shown in (profile, chooser cookie, Accept-Language; see format-settings.ts). */
      language: import('@elevate/sdk').Language;
      /** Whether the user picked that language (then the locale follows it by default). */
      languageChosen: boolean;
    }
    interface Error {
      message: string;
      code?: string;
    }
  }
}

export {};
