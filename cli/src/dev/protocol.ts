// Messages between `elevate dev` and its kernel processes (Node's IPC channel).

export interface DemoLogin {
  tenant: string;
  email: string;
  password: string;
}

export type ToChild =
  /**
   * Start serving. `changed`: the files saved since this process started (their addons are
   * imported again); `migrated`: the addons' fingerprints at the last successful migrate (null:
   * none yet, migrate everything).
   */
  { type: 'go'; demo: boolean; changed: string[]; migrated: Record<string, string> | null } | { type: 'stop' };

export type FromChild =
  /** Core and libraries loaded; waiting for go. */
  | { type: 'warm' }
  /** Addons imported, database migrated, listening on an internal port. */
  | {
      type: 'ready';
      url: string;
      login: DemoLogin | null;
      cpuMs: number;
      steps: Steps;
      /** The fingerprints the database now matches (fingerprint.ts). */
      migrated: Record<string, string>;
    }
  /** Could not start (an addon that does not load, a model without its migration...): one line per reason. */
  | { type: 'failed'; lines: string[] };

/** Wall milliseconds per phase of a reload, in order (`migrate: grants`... inside `migrate`). */
export type Steps = [phase: string, ms: number][];
