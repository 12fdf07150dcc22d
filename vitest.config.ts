import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { testkitGlobalSetup } from './testkit/src/vitest.ts';

// Vitest on an older Node crashes while reporting (`Map.groupBy is not a function`): say why instead.
if (Number(process.versions.node.split('.')[0]) < 24) {
  console.error(
    `Node ${process.versions.node} is too old for this project (24 or newer): run ./elevate test, which brings its own`,
  );
  process.exit(1);
}

/**
 * The longest files first, so that the two workers finish together instead of one waiting on a
 * browser test that started last. Vitest orders by the durations of the previous run, which a
 * fresh clone (CI) does not have; there it falls back to file size, which says little about a
 * browser test. The browser tests (the crawl first), the dev server's test and the guide's go ahead of the rest.
 */
class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const weight = (f: TestSpecification) =>
      f.moduleId.endsWith('/crawl.e2e.test.ts')
        ? 3
        : f.moduleId.endsWith('.e2e.test.ts') ||
            f.moduleId.endsWith('/cli/test/dev.test.ts') ||
            f.moduleId.endsWith('/cli/test/guide.test.ts')
          ? 2
          : 1;
    const sorted = await super.sort(files);
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => weight(b.f) - weight(a.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}

export default defineConfig({
  // Resolve packages as Node does (no "development" condition): graphql 17 ships a separate dev
  // build under that condition, and a second graphql instance breaks schemas built by Pothos.
  ssr: { resolve: { conditions: ['module', 'node', 'default'], externalConditions: ['module', 'node', 'default'] } },
  test: {
    include: [
      'core/**/*.test.ts',
      'sdk/**/*.test.ts',
      'testkit/**/*.test.ts',
      'cli/**/*.test.ts',
      'addons/*/test/**/*.test.ts',
      'addons/*/src/**/*.test.ts',
      'tests/**/*.test.ts',
      'web/src/**/*.test.ts',
      'web/test/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**'],
    pool: 'forks',
    // Test databases are copies of migrated templates made once per run (testkit/src/template-db.ts).
    globalSetup: [testkitGlobalSetup],
    // Two files at a time: each integration file owns its own database, and the machine has 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
    // Tests within a file run in a shuffled order, so none can lean on another's leftovers. The seed
    // is fixed so a failure reproduces; try another with `--sequence.seed=N` (5 and 11 pass).
    sequence: { shuffle: { files: false, tests: true }, seed: 11, sequencer: LongestFirst },
    testTimeout: 30_000,
    // expect.poll waits up to 1 s by default: a page answering a click on a machine running two test
    // files, two browsers and their servers at once can take longer. A real failure still fails.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
