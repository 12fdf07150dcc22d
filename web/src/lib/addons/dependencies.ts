/** An addon and everything it depends on, transitively (dependencies first), as the kernel enables them. */
export function closure(id: string, byId: ReadonlyMap<string, { depends: { id: string }[] }>): string[] {
  const out: string[] = [];
  const visit = (current: string, path: Set<string>) => {
    if (out.includes(current) || path.has(current)) return;
    path.add(current);
    for (const dep of byId.get(current)?.depends ?? []) visit(dep.id, path);
    out.push(current);
  };
  visit(id, new Set());
  return out;
}
