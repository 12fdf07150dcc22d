import type { SubmitFunction } from '$app/forms';

/**
 * `use:enhance` for the account forms: `busy` while the action runs, the fields kept as typed
 * when it answers (a refused password stays for correcting, not emptied).
 */
export function keepFields(setBusy: (busy: boolean) => void): SubmitFunction {
  return () => {
    setBusy(true);
    return async ({ update }) => {
      await update({ reset: false });
      setBusy(false);
    };
  };
}
