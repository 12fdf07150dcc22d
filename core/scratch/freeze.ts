import { copyFileSync, writeFileSync } from 'node:fs';
import { CrmInit0001 } from '../../addons/crm/migrations/Migration0001CrmInit.ts';
import { writeIndex } from '../src/db/migration-gen.ts';

// Collect the SQL the current (model-derived) 0001 runs, and freeze it as literals.
const stmts: string[] = [];
const m = Object.create(CrmInit0001.prototype) as { addSql(s: string): void; up(): void };
m.addSql = (s: string) => stmts.push(s);
m.up();
const esc = (s: string) => s.replace(/[`$\\]/g, '\\$&');
const code = `import { Migration } from '@mikro-orm/migrations';

/**
 * The crm tables, their full-text search columns and the indexes the lists use. Frozen as
 * literal SQL: later model changes are new generated migrations (\`elevate addon migration crm\`),
 * diffed against .snapshot-crm.json, never edits of this file.
 */
export class CrmInit0001 extends Migration {
  override name = 'CrmInit0001';

  override up(): void {
${stmts.map((s) => `    this.addSql(\`${esc(s)}\`);`).join('\n')}
  }
}
`;
writeFileSync('../addons/crm/migrations/Migration0001CrmInit.ts', code);
copyFileSync('scratch/out/.snapshot-crm.json', '../addons/crm/migrations/.snapshot-crm.json');
writeIndex('../addons/crm/migrations');
console.log(stmts.length);
