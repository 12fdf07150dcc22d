import { rmSync } from 'node:fs';
import { projects } from '../../tests/fixtures/addons/projects/src/index.ts';
import { tasks } from '../../tests/fixtures/addons/tasks/src/index.ts';
import { generateMigration } from '../src/db/migration-gen.ts';

for (const [a, d] of [
  [projects, '../tests/fixtures/addons/projects/migrations'],
  [tasks, '../tests/fixtures/addons/tasks/migrations'],
] as const) {
  rmSync(d, { recursive: true, force: true });
  console.log(await generateMigration(a, d));
}
