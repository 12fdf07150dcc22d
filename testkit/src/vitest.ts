// The Vitest settings an addon's tests need, in one place: `export default addonTestConfig()`.
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

/** The global setup that lets a run's test kernels copy migrated template databases (./global-setup.ts). */
export const testkitGlobalSetup = fileURLToPath(
  new URL(`./global-setup${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url),
);

/**
 * - Packages resolve as Node resolves them (no `development` condition): graphql 17 ships a second
 *   build under that condition, and two graphql instances break the kernel's schema
 *   ("Cannot use GraphQLScalarType from another module or realm").
 * - Each test file boots a real kernel on a fresh database: hooks get the time that takes, and the
 *   run's global setup lets those databases be copied from a migrated template.
 */
export function addonTestConfig(overrides: UserConfig = {}): UserConfig {
  const conditions = ['module', 'node', 'default'];
  return mergeConfig(
    defineConfig({
      ssr: { resolve: { conditions, externalConditions: conditions } },
      test: { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks', globalSetup: [testkitGlobalSetup] },
    }),
    overrides,
  );
}
