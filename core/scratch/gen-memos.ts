import { journal } from '../../tests/fixtures/addons/journal/src/index.ts';
import { generateMigration } from '../src/db/migration-gen.ts';

console.log((await generateMigration(journal, '../tests/fixtures/addons/journal/migrations')).file);
