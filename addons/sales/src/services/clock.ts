// The addon's notion of "now": the date an order is confirmed or an invoice posted on, what is
// overdue, which quotes have expired. Everything that asks "what day is it?" asks here, so the
// scheduled jobs can be tested against a chosen day (setClock in a test) while the kernel, its
// tokens and the database keep the real time.

let override: (() => Date) | null = null;

export function now(): Date {
  return override ? override() : new Date();
}

/** Today as YYYY-MM-DD in UTC. */
export function today(): string {
  return now().toISOString().slice(0, 10);
}

/** YYYY-MM-DD plus `days` (calendar arithmetic in UTC). */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** For tests: a fixed or moving clock; `null` goes back to the real time. */
export function setClock(at: Date | (() => Date) | null): void {
  override = at === null ? null : typeof at === 'function' ? at : () => at;
}
