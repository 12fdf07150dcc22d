import type { RestRouter } from '@elevate/sdk';

// Placeholder: filled in by the contacts area.
export function contactRoutes(_r: RestRouter): void {}
