// The runnable steps of a markdown guide (docs/addon-authoring.md), in document order. A step is a
// fenced block whose info string says so, so that the guide still renders as ordinary markdown:
//
//   ```sh step=<name>                    a shell command, run in the folder the previous steps left
//   ```sh step=<name> background wait="<text>"   a server: started, and on once <text> is printed
//   ```sh step=<name> exit=<n>           a command that must fail with exit code <n>
//   ```text output                       what the step above prints: each line appears, in order
//                                        ("..." in a line stands for any text)
//   ```ts file=<path>                    a whole file written by the reader (relative to the folder)
//   ```diff file=<path>                  an edit: the " " and "-" lines, found once in the file, become
//                                        the " " and "+" lines
//   <!-- step: stop -->                  Ctrl+C to the server the last background step started

export type Step =
  | { kind: 'run'; name: string; script: string; exit: number; background?: { wait: string }; output?: string }
  | { kind: 'file'; path: string; content: string }
  | { kind: 'edit'; path: string; before: string; after: string }
  | { kind: 'stop' };

// A fence may open a list item (`- ```text`): its lines are indented by the marker's width.
const FENCE = /^(\s*(?:[-*+]|\d+\.)?\s*)```(\S*)(.*)$/;

/** The attributes of an info string: `step=pack exit=1 wait="a b"` → { step: 'pack', ... }. */
function attributes(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of info.matchAll(/(\w+)(?:=(?:"([^"]*)"|(\S+)))?/g)) out[m[1] as string] = m[2] ?? m[3] ?? '';
  return out;
}

export function extractSteps(markdown: string): Step[] {
  const steps: Step[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^<!-- step: stop -->$/.test(line.trim())) {
      steps.push({ kind: 'stop' });
      continue;
    }
    const open = FENCE.exec(line);
    if (!open) continue;
    // A block inside a list item is indented: its lines lose that indent.
    const indent = (open[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j] as string)) body.push((lines[j++] as string).slice(indent));
    if (j >= lines.length) throw new Error(`guide line ${i + 1}: a code block is not closed`);
    const text = `${body.join('\n')}\n`;
    const lang = open[2] as string;
    const attrs = attributes(open[3] as string);
    i = j;
    if (lang === 'sh' && 'step' in attrs) {
      steps.push({
        kind: 'run',
        name: attrs.step || `line ${i + 1}`,
        script: text,
        exit: Number(attrs.exit ?? 0),
        ...(attrs.wait !== undefined ? { background: { wait: attrs.wait } } : {}),
      });
    } else if (lang === 'text' && 'output' in attrs) {
      const last = steps.at(-1);
      if (last?.kind !== 'run') throw new Error(`guide line ${i + 1}: an output block follows no step`);
      last.output = text;
    } else if (lang === 'diff' && attrs.file) {
      const kept = (c: string) => body.filter((l) => l[0] === ' ' || l[0] === c || l === '').map((l) => l.slice(1));
      steps.push({ kind: 'edit', path: attrs.file, before: kept('-').join('\n'), after: kept('+').join('\n') });
    } else if (attrs.file) {
      steps.push({ kind: 'file', path: attrs.file, content: text });
    }
  }
  return steps;
}

/** Where an output block does not appear in what a step printed (in order), or undefined. */
export function missingOutput(expected: string, actual: string): string | undefined {
  let from = 0;
  for (const line of expected.split('\n').filter((l) => l.trim())) {
    const pattern = new RegExp(
      line
        .trim()
        .split('...')
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*'),
    );
    const m = pattern.exec(actual.slice(from));
    if (!m) return line;
    from += m.index + m[0].length;
  }
  return undefined;
}
