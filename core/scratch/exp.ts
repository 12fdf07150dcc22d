import { EntitySchema, MikroORM } from '@mikro-orm/postgresql';

const Company = new EntitySchema<any>({
  name: 'crm.company',
  tableName: 'x_company',
  properties: {
    tenantId: { type: 'uuid', primary: true, fieldName: 'tenant_id' },
    id: { type: 'uuid', primary: true, defaultRaw: 'gen_random_uuid()' },
    name: { type: 'string', length: 200 },
  },
});
const Contact = new EntitySchema<any>({
  name: 'crm.contact',
  tableName: 'x_contact',
  properties: {
    tenantId: { type: 'uuid', primary: true, fieldName: 'tenant_id' },
    id: { type: 'uuid', primary: true, defaultRaw: 'gen_random_uuid()' },
    name: { type: 'string', length: 200 },
    amount: { type: 'decimal', precision: 18, scale: 4, nullable: true },
    kind: { enum: true, items: ['a', 'b'], type: 'string', default: 'a' },
    at: { type: 'datetime', columnType: 'timestamptz', defaultRaw: 'now()' },
    company: {
      kind: 'm:1',
      entity: () => Company,
      joinColumns: ['tenant_id', 'company_id'],
      referencedColumnNames: ['tenant_id', 'id'],
      nullable: true,
      deleteRule: 'set null',
    },
    tags: {
      kind: 'm:n',
      entity: () => Company,
      pivotTable: 'x_contact_tag',
      joinColumns: ['tenant_id', 'contact_id'],
      inverseJoinColumns: ['tenant_id', 'tag_id'],
    },
  },
});

const orm = await MikroORM.init({
  clientUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  entities: [Company, Contact],
  allowGlobalContext: true,
});
console.log(await orm.schema.getCreateSchemaSQL());
await orm.close();
