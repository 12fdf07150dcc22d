import { describe, expect, it } from 'vitest';
import { CsvError, csvField, csvRecords, detectDelimiter, parseCsv, writeCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads plain fields with LF, CRLF and CR line ends', () => {
    expect(parseCsv('a,b\n1,2\n')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
    expect(parseCsv('a,b\r\n1,2\r\n3,4')).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseCsv('a,b\r1,2')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line breaks', () => {
    const text = 'name,note\r\n"Doe, Jane","She said ""hi""\r\nand left"\r\n"",x\r\n';
    expect(parseCsv(text)).toEqual([
      ['name', 'note'],
      ['Doe, Jane', 'She said "hi"\r\nand left'],
      ['', 'x'],
    ]);
  });

  it('drops a leading byte order mark and skips blank lines', () => {
    expect(parseCsv('\ufeffemail\n\nada@example.com\n\n')).toEqual([['email'], ['ada@example.com']]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(parseCsv('a,,c\n,,\nx,')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
      ['x', ''],
    ]);
  });

  it('keeps a quote inside an unquoted field as a character', () => {
    expect(parseCsv('5" screen,ok')).toEqual([['5" screen', 'ok']]);
  });

  it('reports the physical line where each record starts', () => {
    const lines = [...csvRecords('h\n"two\nlines"\nnext\n')].map((r) => r.line);
    expect(lines).toEqual([1, 2, 4]);
  });

  it('names the line of an unclosed quote and of text after a closing quote', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(CsvError);
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(/line 2/);
    expect(() => parseCsv('a\nb\n"x"y,z')).toThrow(/closing quote \(line 3\)/);
  });

  it('reads other delimiters and detects them from the header', () => {
    expect(detectDelimiter('Name;E-mail;City\nA;b;c')).toBe(';');
    expect(detectDelimiter('Name\tE-mail\nA\tb')).toBe('\t');
    expect(detectDelimiter('"a;b",c\n')).toBe(',');
    expect(detectDelimiter('single')).toBe(',');
    expect(parseCsv('a;"b;c"\n1;2', ';')).toEqual([
      ['a', 'b;c'],
      ['1', '2'],
    ]);
  });
});

describe('writeCsv', () => {
  it('quotes only what needs quoting', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
  });

  it('ends records with CRLF, adds a BOM on request, and round-trips through the parser', () => {
    const rows = [
      ['id', 'name', 'note'],
      ['1', 'Zoë "Z" Ångström', 'line 1\r\nline 2, with comma'],
      ['2', '', ';semicolon'],
    ];
    const text = writeCsv(rows, { bom: true });
    expect(text.startsWith('\ufeffid,name,note\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });
});
