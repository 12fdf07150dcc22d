/**
 * The kernel's rule, for showing or hiding things (the API enforces it again): a key passes when
 * its first segment is `core` or an enabled addon, and a role pattern covers it (`*`, `crm.*`, exact).
 */
export function allows(patterns: readonly string[], enabled: readonly string[], key: string): boolean {
  const first = key.split('.')[0] ?? '';
  if (first !== 'core' && !enabled.includes(first)) return false;
  return patterns.some((p) => p === '*' || p === key || (p.endsWith('.*') && key.startsWith(p.slice(0, -1))));
}
