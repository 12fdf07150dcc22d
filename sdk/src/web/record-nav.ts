// Next/previous record (the j/k shortcuts on detail pages): the last list shown in this tab
// remembers its rows' links in sessionStorage; a detail page finds itself among them.

const KEY = 'elevate.recordNav';

/** Remembers the links of the rows a list shows, in order (browser only). */
export function rememberRecords(hrefs: readonly string[]): void {
  if (typeof sessionStorage === 'undefined' || !hrefs.length) return;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(hrefs));
  } catch {
    // Storage full or refused: no next/previous, nothing else lost.
  }
}

/** The link `step` rows from `path` in the last list shown, or null (not in it, or at its end). */
export function neighbourRecord(path: string, step: 1 | -1): string | null {
  if (typeof sessionStorage === 'undefined') return null;
  let hrefs: unknown;
  try {
    hrefs = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
  } catch {
    return null;
  }
  if (!Array.isArray(hrefs)) return null;
  const i = hrefs.indexOf(path);
  if (i < 0) return null;
  const next = hrefs[i + step];
  return typeof next === 'string' ? next : null;
}
