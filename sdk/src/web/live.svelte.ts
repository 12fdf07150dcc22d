// Live updates: one EventSource per tab on the kernel's live channel (through the web server's
// proxy, which adds the session). The kernel closes the stream when the access token expires;
// EventSource reconnects by itself and the proxy presents the refreshed session.

export interface LiveEvent<P = Record<string, unknown>> {
  id: string;
  name: string;
  aggregateId: string;
  payload: P;
  actorId: string | null;
  occurredAt: string;
}

type Handler = (event: LiveEvent) => void;

export class LiveChannel {
  /** True while the stream is open (the shell shows it). */
  connected = $state(false);
  readonly #url: string;
  #source: EventSource | null = null;
  readonly #handlers = new Map<string, Set<Handler>>();
  readonly #listening = new Set<string>();
  #retry: ReturnType<typeof setTimeout> | null = null;
  #opens = 0;
  readonly #reconnected = new Set<() => void>();

  constructor(url: string) {
    this.#url = url;
  }

  /** Calls `fn` for each event with one of these names; returns the unsubscribe function. */
  on(names: string | string[], fn: Handler): () => void {
    const list = Array.isArray(names) ? names : [names];
    for (const name of list) {
      const set = this.#handlers.get(name) ?? new Set<Handler>();
      this.#handlers.set(name, set);
      set.add(fn);
    }
    this.#open();
    for (const name of list) this.#listen(name);
    return () => {
      for (const name of list) this.#handlers.get(name)?.delete(fn);
    };
  }

  /** Calls `fn` each time the stream comes back after a break (not on the first open). */
  onReconnect(fn: () => void): () => void {
    this.#reconnected.add(fn);
    return () => this.#reconnected.delete(fn);
  }

  /** Opens the stream now (the shell does, so the live indicator means something). */
  connect(): void {
    this.#open();
  }

  close(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#source?.close();
    this.#source = null;
    this.#listening.clear();
    this.connected = false;
  }

  #open(): void {
    if (this.#source || typeof EventSource === 'undefined') return;
    const source = new EventSource(this.#url);
    this.#source = source;
    source.onopen = () => {
      this.connected = true;
      // Events sent while the stream was down are not replayed: let views catch up.
      if (this.#opens++ > 0) for (const fn of this.#reconnected) fn();
    };
    source.onerror = () => {
      this.connected = false;
      // CLOSED means the browser gave up (e.g. the session ended): try again later, gently.
      if (source.readyState === EventSource.CLOSED) {
        this.#source = null;
        this.#listening.clear();
        this.#retry = setTimeout(() => {
          this.#open();
          for (const name of this.#handlers.keys()) this.#listen(name);
        }, 10_000);
      }
    };
  }

  #listen(name: string): void {
    if (!this.#source || this.#listening.has(name)) return;
    this.#listening.add(name);
    this.#source.addEventListener(name, (e) => {
      let event: LiveEvent;
      try {
        event = JSON.parse((e as MessageEvent<string>).data) as LiveEvent;
      } catch {
        return;
      }
      for (const fn of this.#handlers.get(name) ?? []) fn(event);
    });
  }
}
