// File conventions of an addon's web entry (pages/**, widgets/*), as pure functions (the registry
// applies them to the files the entry's `import.meta.glob` found).

const FILE = /^\.\/(pages|widgets)\/(.+)\.svelte$/;
const PARAM = /^\[[a-zA-Z_]\w*\]$/;

/** `./pages/contacts/[id].svelte` → 'contacts/[id]' (for kind 'pages'); null for another kind or shape. */
export function contributionPath(file: string, kind: 'pages' | 'widgets'): string | null {
  const m = FILE.exec(file);
  return m?.[1] === kind && m[2] ? m[2] : null;
}

/** A page file's path segments below its addon: `index` names the folder itself. */
export function pageSegments(rest: string): string[] {
  const segments = rest.split('/');
  if (segments.at(-1) === 'index') segments.pop();
  return segments;
}

export interface RouteLike {
  addon: string;
  segments: string[];
}

/**
 * The route of `addon` matching `path`, with its parameters. Same length only; a static segment
 * must be equal, `[name]` takes any one segment; the route with more static segments wins.
 */
export function matchRoute<R extends RouteLike>(
  routes: readonly R[],
  addon: string,
  path: readonly string[],
): { route: R; params: Record<string, string> } | null {
  let best: { route: R; statics: number } | null = null;
  for (const route of routes) {
    if (route.addon !== addon || route.segments.length !== path.length) continue;
    let statics = 0;
    const ok = route.segments.every((s, i) => {
      if (PARAM.test(s)) return (path[i] ?? '') !== '';
      statics += 1;
      return s === path[i];
    });
    if (ok && (!best || statics > best.statics)) best = { route, statics };
  }
  if (!best) return null;
  const params: Record<string, string> = {};
  best.route.segments.forEach((s, i) => {
    if (PARAM.test(s)) params[s.slice(1, -1)] = path[i] ?? '';
  });
  return { route: best.route, params };
}

/**
 * Menu entries naming an icon the kit does not know (a JavaScript author gets no type error): one
 * readable line each, with the names that exist.
 */
export function unknownIcons(
  contributions: readonly { id: string; web: { menu?: readonly { label: string; icon?: string }[] } }[],
  known: readonly string[],
): string[] {
  return contributions.flatMap(({ id, web }) =>
    (web.menu ?? [])
      .filter((e) => e.icon !== undefined && !known.includes(e.icon))
      .map(
        (e) =>
          `addon ${id}: menu entry "${e.label}" names the unknown icon "${e.icon}" (a dot is shown); known icons: ${known.join(', ')}`,
      ),
  );
}
