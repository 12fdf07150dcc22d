/**
 * A small RFC 4180 CSV reader and writer: quoted fields, doubled quotes, CRLF / LF / CR line
 * ends, a leading byte order mark, newlines inside quoted fields. Written here rather than
 * taken from a package because the import needs exact row numbers and strict errors.
 */

export class CsvError extends Error {
  /** 1-based physical line where the problem starts. */
  readonly line: number;
  constructor(message: string, line: number) {
    super(`${message} (line ${line})`);
    this.line = line;
  }
}

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts (a quoted field may span lines). */
  line: number;
}

export type CsvDelimiter = ',' | ';' | '\t';

/** The most fields one record may hold: a wider file is refused at its first wide record. */
export const MAX_CSV_COLUMNS = 500;

const QUOTE = 34;
const CR = 13;
const LF = 10;

function newlines(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/**
 * Yields the records of `text` one by one. Blank lines are not records. A quote inside an
 * unquoted field is kept as a character; text after a closing quote, or a quote left open,
 * is an error naming the line.
 */
export function* csvRecords(text: string, delimiter: CsvDelimiter = ','): Generator<CsvRecord, void, undefined> {
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        const opened = line;
        let value = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q < 0) throw new CsvError('A quoted field is not closed', opened);
          value += text.slice(j, q);
          line += newlines(text, j, q);
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += '"';
            j = q + 2;
            continue;
          }
          i = q + 1;
          break;
        }
        const c = i < n ? text.charCodeAt(i) : -1;
        if (c !== d && c !== CR && c !== LF && c !== -1) {
          throw new CsvError('Unexpected text after a closing quote', line);
        }
        fields.push(value);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === CR || c === LF) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (fields.length > MAX_CSV_COLUMNS)
        throw new CsvError(`A record has more than ${MAX_CSV_COLUMNS} columns`, start);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    if (fields.length === 1 && fields[0] === '') continue;
    yield { fields, line: start };
  }
}

/** The first record's fields (the header), or an empty list for a file without records. */
export function firstRecord(records: Generator<CsvRecord, void, undefined>): string[] {
  const r = records.next();
  return r.done ? [] : r.value.fields;
}

/** All records of `text` (see csvRecords). */
export function parseCsv(text: string, delimiter: CsvDelimiter = ','): string[][] {
  const out: string[][] = [];
  for (const r of csvRecords(text, delimiter)) out.push(r.fields);
  return out;
}

/**
 * Guesses the delimiter from the first line: spreadsheets in many locales write `;`, and
 * `\t` comes from copy-paste. Counts only characters outside quotes; `,` wins ties.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < Math.min(text.length, 65_536); i++) {
    const ch = text[i] as string;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch as CsvDelimiter]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

export type CsvValue = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n;\t]|^\s|\s$/;

/** One field, quoted when it holds a delimiter, a quote, a line break or edge spaces. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const s = String(value);
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One record without its line end. */
export function csvRow(values: readonly CsvValue[]): string {
  return values.map(csvField).join(',');
}

/** A whole document: records joined by CRLF (RFC 4180), ending with CRLF, optionally with a BOM. */
export function writeCsv(rows: readonly (readonly CsvValue[])[], opts: { bom?: boolean } = {}): string {
  let out = opts.bom ? '\ufeff' : '';
  for (const r of rows) out += `${csvRow(r)}\r\n`;
  return out;
}
