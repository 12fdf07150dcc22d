// Messages between `elevate dev` and its kernel processes (Node's IPC channel).

export interface DemoLogin {
  tenant: string;
  email: string;
  password: string;
}

export type ToChild = { type: 'go'; demo: boolean } | { type: 'stop' };

export type FromChild =
  /** Core and libraries loaded; waiting for go. */
  | { type: 'warm' }
  /** Addons imported, database migrated, listening on an internal port. */
  | { type: 'ready'; url: string; login: DemoLogin | null; cpuMs: number }
  /** Could not start (an addon that does not load, a model without its migration...): one line per reason. */
  | { type: 'failed'; lines: string[] };
