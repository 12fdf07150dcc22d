import type { RestRouter } from '@elevate/sdk';

// Placeholder: filled in by the search area.
export function searchRoutes(_r: RestRouter): void {}
