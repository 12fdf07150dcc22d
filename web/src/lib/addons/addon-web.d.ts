// The virtual module the build makes from the addon packages' web entries (scripts/addon-web.plugin.ts).
declare module 'virtual:elevate/addon-web' {
  import type { WebContribution } from '@elevate/sdk/web';
  export const contributions: { id: string; web: WebContribution }[];
}
