import { AppError, ValidationError } from '@elevate/sdk';

const NUL = String.fromCharCode(0);

// One rule for text, on every way in (REST path, query and JSON body; GraphQL variables and
// literals): no NUL character. PostgreSQL cannot store it in text (22021), so a NUL that got
// through would fail at the database; refusing it here names the field instead.

/** The dotted path of the first key or string value holding NUL, or null ('' for the value itself). */
export function findNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const p = findNul(v, path ? `${path}.${i}` : String(i));
      if (p !== null) return p;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const p = path ? `${path}.${k}` : k;
    if (k.includes(NUL)) return p;
    const found = findNul(v, p);
    if (found !== null) return found;
  }
  return null;
}

export function nulError(path: string): ValidationError {
  return new ValidationError(`${path || 'A value'} contains a NUL character`, [
    { path, message: 'must not contain a NUL character' },
  ]);
}

/** Throws a 400 naming the field when a value holds NUL. `where` prefixes the path (query, body). */
export function rejectNul(value: unknown, where?: string): void {
  const p = findNul(value);
  if (p !== null) throw nulError(where ? (p ? `${where}.${p}` : where) : p);
}

/** A text body (CSV upload): UTF-8 without NUL. UTF-16 decoded as UTF-8 shows as NULs or a mangled byte order mark. */
export function checkTextBody(text: string): void {
  // ASCII in UTF-16 has a zero byte beside every letter.
  const utf16 =
    text.startsWith('\ufffd\ufffd') ||
    (text.length >= 4 && (text[1] === NUL) !== (text[0] === NUL) && (text[3] === NUL) !== (text[2] === NUL));
  if (utf16) {
    throw new AppError(
      'UNSUPPORTED_ENCODING',
      'The file looks like UTF-16: save it as UTF-8 (CSV UTF-8) and upload again',
      {
        status: 415,
        details: [{ path: 'body', message: 'must be UTF-8 text' }],
      },
    );
  }
  const at = text.indexOf(NUL);
  if (at >= 0) {
    const line = text.slice(0, at).split(/\r\n|\r|\n/).length;
    throw new ValidationError(`The text contains a NUL character (line ${line})`, [
      { path: 'body', message: `must not contain a NUL character (line ${line})` },
    ]);
  }
}

/** The dotted path of the first number that is not finite or is an integer beyond ±2^53, or null. */
export function findBadNumber(value: unknown, path = ''): string | null {
  if (typeof value === 'number') {
    return !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)) ? path : null;
  }
  if (typeof value !== 'object' || value === null) return null;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    const found = findBadNumber(v, path ? `${path}.${k}` : String(k));
    if (found !== null) return found;
  }
  return null;
}

/** Numbers arrive as text (query) or JSON (`1e400` parses as Infinity): only finite, safe ones pass. */
export function rejectBadNumbers(value: unknown): void {
  const p = findBadNumber(value);
  if (p !== null) {
    throw new ValidationError(`${p || 'A number'} is out of range`, [
      {
        path: p,
        message: `must be a finite number between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`,
      },
    ]);
  }
}
