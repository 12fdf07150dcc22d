// Runs `load()` in its own process so the load generator never shares an event loop with the
// server under test. Input: a JSON spec on argv[2]; output: the LoadResult as JSON.
// URL and body templates may contain {offset}, {seq} and {rand}, filled per request.
import { load } from './load.ts';

interface Spec {
  url: string;
  concurrency: number;
  ms: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Offsets drawn for {offset}: a fixed value or a random multiple of 50 below this bound. */
  offset?: { fixed: number } | { randomBelow: number };
}

const spec = JSON.parse(process.argv[2] ?? '{}') as Spec;
let seq = 0;
const fill = (template: string) => {
  seq += 1;
  const off = !spec.offset
    ? 0
    : 'fixed' in spec.offset
      ? spec.offset.fixed
      : Math.floor(Math.random() * (spec.offset.randomBelow / 50)) * 50;
  return template
    .replaceAll('{offset}', String(off))
    .replaceAll('{seq}', `${process.pid}-${seq}`)
    .replaceAll('{rand}', Math.random().toString(36).slice(2));
};
const result = await load(() => fill(spec.url), {
  concurrency: spec.concurrency,
  ms: spec.ms,
  ...(spec.method ? { method: spec.method } : {}),
  ...(spec.headers ? { headers: spec.headers } : {}),
  ...(spec.body ? { body: () => fill(spec.body as string) } : {}),
});
process.stdout.write(JSON.stringify(result));
