import { crm } from '../../addons/crm/src/index.ts';
import { generateMigration } from '../src/db/migration-gen.ts';

const dir = process.argv[2]!;
const r = await generateMigration(crm, dir, process.argv[3]);
console.log(r.file, r.className, r.up.length);
