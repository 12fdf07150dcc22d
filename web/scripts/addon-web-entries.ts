// Prints the addons' web entries as JSON (the web build runs this in a child process: discovering
// addons imports their server entries, which are TypeScript the build's config loader does not run).
import { discoverWebEntries, findWorkspaceRoot } from '@elevate/core/web-entries';

const extra = (process.env.ADDON_PATHS ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
process.stdout.write(JSON.stringify(await discoverWebEntries(findWorkspaceRoot(import.meta.dirname), extra)));
