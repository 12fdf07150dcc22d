import type { RestRouter } from '@elevate/sdk';

// Placeholder: filled in by the pipeline area.
export function pipelineRoutes(_r: RestRouter): void {}
