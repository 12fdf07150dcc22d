import type { SystemContext } from '@elevate/sdk';

// Placeholder: filled in by the pipeline area.
/** On enable: a default pipeline with its stages, if the tenant has none. */
export async function seedDefaults(_ctx: SystemContext): Promise<void> {}
