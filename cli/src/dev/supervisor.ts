// The kernel processes of `elevate dev`: one serving, one spare kept warm (core loaded, addons not
// yet). On a change the spare is told to go: it imports the addons as they are now, migrates and
// listens; the proxy then switches to it and the old one stops. If it fails, the old one keeps
// serving and the reason is printed (a model without its migration names the command to run).
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DemoLogin, FromChild, Steps, ToChild } from './protocol.ts';

const BIN = fileURLToPath(new URL('../../bin/elevate.js', import.meta.url));

interface Kid {
  proc: ChildProcess;
  warm: Promise<void>;
  isWarm: boolean;
  /** Files saved since the process started: its addons as first imported may predate them. */
  changed: Set<string>;
  outcome: Promise<FromChild & { type: 'ready' | 'failed' }>;
}

export interface ReloadResult {
  ok: boolean;
  ms: number;
  /** CPU time the new process spent from go to listening (the wall time minus waiting for a busy machine). */
  cpuMs: number;
  lines: string[];
  /** Wall time per phase inside the new process (empty when it failed). */
  steps: Steps;
  login: DemoLogin | null;
  url?: string;
}

export class Supervisor {
  #active: Kid | null = null;
  #spare: Kid | null = null;
  #stopped = false;
  #reloads = 0;
  /** The addons' fingerprints at the last successful migrate (see fingerprint.ts). */
  #migrated: Record<string, string> | null = null;

  constructor(private readonly env: NodeJS.ProcessEnv) {}

  #spawn(): Kid {
    const proc = fork(BIN, ['dev-server'], { env: this.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let warmed: () => void = () => {};
    let settle: (m: FromChild & { type: 'ready' | 'failed' }) => void = () => {};
    const warm = new Promise<void>((r) => {
      warmed = r;
    });
    const outcome = new Promise<FromChild & { type: 'ready' | 'failed' }>((r) => {
      settle = r;
    });
    const kid: Kid = { proc, warm, outcome, isWarm: false, changed: new Set() };
    proc.on('message', (m: FromChild) => {
      if (m.type === 'warm') {
        kid.isWarm = true;
        warmed();
      } else settle(m);
    });
    proc.on('exit', (code) => {
      const why = `the kernel process exited (code ${code}) before it was ready`;
      warmed();
      settle({ type: 'failed', lines: [why] });
    });
    return kid;
  }

  /** For `GET /__dev`: the serving process, and whether the next one is loaded yet. */
  status(): { reloads: number; active: number | null; spare: 'warm' | 'loading' | null } {
    return {
      reloads: this.#reloads,
      active: this.#active?.proc.pid ?? null,
      spare: this.#spare ? (this.#spare.isWarm ? 'warm' : 'loading') : null,
    };
  }

  /** Saved files: the spare imports their addons again when it goes. */
  noteChanges(files: readonly string[]): void {
    for (const f of files) this.#spare?.changed.add(f);
  }

  /** Keeps the next process loading while this one serves. */
  #prepare(): void {
    if (!this.#stopped && !this.#spare) this.#spare = this.#spawn();
  }

  /** Starts the next kernel (the spare, if warm by now) and makes it current once it listens. */
  async reload(demo: boolean, onSwitch: (url: string) => void): Promise<ReloadResult> {
    const started = performance.now();
    const next = this.#spare ?? this.#spawn();
    this.#spare = null;
    await next.warm;
    const go: ToChild = { type: 'go', demo, changed: [...next.changed], migrated: this.#migrated };
    if (next.proc.connected) next.proc.send(go);
    const res = await next.outcome;
    if (res.type === 'failed') {
      next.proc.kill('SIGTERM');
      this.#prepare();
      return { ok: false, ms: performance.now() - started, cpuMs: 0, lines: res.lines, steps: [], login: null };
    }
    onSwitch(res.url);
    this.#migrated = res.migrated;
    const ms = performance.now() - started;
    const old = this.#active;
    this.#active = next;
    this.#reloads++;
    old?.proc.kill('SIGTERM');
    this.#prepare();
    return { ok: true, ms, cpuMs: res.cpuMs, lines: [], steps: res.steps, login: res.login, url: res.url };
  }

  /** Stops every kernel process and waits for them to exit. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const kids = [this.#active, this.#spare].filter((k): k is Kid => k !== null);
    this.#active = this.#spare = null;
    await Promise.all(
      kids.map(
        (k) =>
          new Promise<void>((resolve) => {
            if (k.proc.exitCode !== null || k.proc.signalCode !== null) return resolve();
            k.proc.once('exit', () => resolve());
            k.proc.kill('SIGTERM');
          }),
      ),
    );
  }
}
