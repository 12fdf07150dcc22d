// Plain-text output helpers: stdout for results, so they can be piped.

export function print(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** A left-aligned text table with a header row and a dashed separator. */
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function yesNo(value: boolean): string {
  return value ? 'yes' : 'no';
}

export function listOrDash(items: readonly string[]): string {
  return items.length ? items.join(', ') : '-';
}
