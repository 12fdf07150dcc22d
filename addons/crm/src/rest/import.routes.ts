import type { RestRouter } from '@elevate/sdk';

// Placeholder: filled in by the import area.
export function importRoutes(_r: RestRouter): void {}
