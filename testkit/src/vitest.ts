// The Vitest settings an addon's tests need, in one place: `export default addonTestConfig()`.
import { defineConfig, mergeConfig, type ViteUserConfig as UserConfig } from 'vitest/config';

/**
 * - Packages resolve as Node resolves them (no `development` condition): graphql 17 ships a second
 *   build under that condition, and two graphql instances break the kernel's schema
 *   ("Cannot use GraphQLScalarType from another module or realm").
 * - Each test file boots a real kernel on a fresh database: hooks get the time that takes.
 */
export function addonTestConfig(overrides: UserConfig = {}): UserConfig {
  const conditions = ['module', 'node', 'default'];
  return mergeConfig(
    defineConfig({
      ssr: { resolve: { conditions, externalConditions: conditions } },
      test: { testTimeout: 30_000, hookTimeout: 60_000, pool: 'forks' },
    }),
    overrides,
  );
}
