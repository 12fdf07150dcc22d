import type { KernelError } from './kernel.ts';

/** The kernel's field details as one message per form field ("must be ..." → "It must be ..."). */
export function fieldErrors(error: KernelError, rename: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of error.details ?? []) {
    const field = d.path ? (rename[d.path] ?? d.path) : '';
    if (field && !out[field])
      out[field] = `${d.message.charAt(0).toUpperCase()}${d.message.slice(1)}.`.replace(/^Must/, 'It must');
  }
  return out;
}
