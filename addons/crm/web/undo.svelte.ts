// Delete with undo: a delete is shown at once (the rows leave the page) but sent only when the
// undo window ends, or at once when the page is left (a keepalive request, so closing the tab
// still deletes). "Undo" within the window sends nothing. Deletes go through the bulk-delete
// routes, one request for one row or many; rows the server refuses come back, named.

import type { Api } from '@elevate/sdk/web';
import { SvelteSet } from 'svelte/reactivity';
import { t } from './i18n.ts';

export type DeletableKind = 'contacts' | 'leads' | 'opportunities';

export interface BulkAnswer {
  done: string[];
  refused: { id: string; index: number; code: string; message: string }[];
}

interface Pending {
  kind: DeletableKind;
  ids: string[];
  label: string;
  timer: ReturnType<typeof setTimeout>;
  api: Api;
  ondone?: ((answer: BulkAnswer) => void) | undefined;
}

/** How long "Undo" is offered. */
export const UNDO_WINDOW_MS = 8000;

class UndoQueue {
  /** Ids deleted on the page but not yet sent: lists leave them out. */
  readonly hidden = new SvelteSet<string>();
  current = $state<{ label: string; key: number } | null>(null);
  #pending: Pending | null = null;
  #key = 0;
  #listening = false;

  /** Hides `ids` and deletes them when the window ends (a pending delete before it is sent now). */
  delete(api: Api, kind: DeletableKind, ids: string[], label: string, ondone?: (a: BulkAnswer) => void): void {
    this.#listen();
    void this.flush();
    for (const id of ids) this.hidden.add(id);
    const timer = setTimeout(() => void this.flush(), UNDO_WINDOW_MS);
    this.#pending = { kind, ids, label, timer, api, ondone };
    this.#key += 1;
    this.current = { label, key: this.#key };
  }

  undo(): void {
    const p = this.#pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending = null;
    for (const id of p.ids) this.hidden.delete(id);
    this.current = null;
  }

  /** Sends the pending delete now (the window ended, "Dismiss", or another delete came). */
  async flush(): Promise<void> {
    const p = this.#pending;
    if (!p) return;
    clearTimeout(p.timer);
    this.#pending = null;
    this.current = null;
    let answer: BulkAnswer;
    try {
      answer = await p.api.post<BulkAnswer>(`/v1/crm/${p.kind}/bulk-delete`, { ids: p.ids });
    } catch (err) {
      answer = {
        done: [],
        refused: p.ids.map((id, index) => ({
          id,
          index,
          code: 'ERROR',
          message: err instanceof Error ? err.message : String(err),
        })),
      };
    }
    for (const r of answer.refused) this.hidden.delete(r.id);
    p.ondone?.(answer);
  }

  #listen(): void {
    if (this.#listening || typeof window === 'undefined') return;
    this.#listening = true;
    // Leaving the page must not lose the delete: send it with keepalive, which outlives the page.
    window.addEventListener('pagehide', () => {
      const p = this.#pending;
      if (!p) return;
      clearTimeout(p.timer);
      this.#pending = null;
      void fetch(p.api.url(`/v1/crm/${p.kind}/bulk-delete`), {
        method: 'POST',
        keepalive: true,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ ids: p.ids }),
      });
    });
  }
}

/** One queue per browser tab (module state: only ever written from event handlers in the browser). */
export const undoQueue = new UndoQueue();

/** "2 rows were refused: Ada (Contact not found)" from a bulk answer and the rows' names. */
export function refusedText(answer: BulkAnswer, nameOf: (id: string) => string): string {
  if (!answer.refused.length) return '';
  const list = answer.refused.map((r) => `${nameOf(r.id)} (${r.message})`).join('; ');
  return t('undo.refused', { count: answer.refused.length, list });
}
