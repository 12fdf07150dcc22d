import { createModelTableSql, entitySchemasOf } from '@elevate/sdk';
import { MikroORM } from '@mikro-orm/postgresql';
import { crmModels } from '../../addons/crm/src/models/index.ts';

const orm = await MikroORM.init({
  clientUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  entities: entitySchemasOf(crmModels),
  allowGlobalContext: true,
  discovery: { warnWhenNoEntities: false },
});
console.log(await orm.schema.getCreateSchemaSQL());
await orm.close();
