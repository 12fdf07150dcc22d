import { entitySchemaOf } from '@elevate/sdk';
import { bootTestKernel } from '@elevate/sdk/testkit';
import { raw } from '@mikro-orm/core';
import { crm } from '../../addons/crm/src/index.ts';
import { Contact } from '../../addons/crm/src/models/contact.model.ts';
import { Opportunity } from '../../addons/crm/src/models/opportunity.model.ts';
import { createOrm } from '../src/db/orm.ts';
import { withTenant } from '../src/db/tenant-tx.ts';

const env = await bootTestKernel({ addons: [crm], workers: false });
try {
  const t = await env.tenant('acme', { enable: ['crm'] });
  const orm = await createOrm(crm.models);
  const pool = env.kernel.runtime.pools.app;
  const C = entitySchemaOf(Contact);
  await withTenant(pool, t.id, async (tx) => {
    const em = orm.em(tx);
    const orig = tx.run.bind(tx);
    tx.run = async (sql: string, p?: readonly unknown[]) => {
      console.log('SQL', sql);
      return orig(sql, p);
    };
    const co = em.create(C, { tenantId: t.id, kind: 'company', name: 'Globex' });
    await em.flush();
    const tries: [string, object][] = [
      ['eq tuple', { company: [t.id, co.id] }],
      ['in tuples', { company: { $in: [[t.id, co.id]] } }],
      ['ne tuple', { company: { $ne: [t.id, co.id] } }],
      ['null', { company: null }],
      ['raw null', { [raw((alias: string) => `${alias}.company_id is null`)]: [] }],
      [
        'raw distinct',
        {
          [raw((alias: string) => `${alias}.company_id is distinct from ?`, ['83bebbaa-ec1c-44a1-ab9a-1c012501c26d'])]:
            [],
        },
      ],
      ['not null', { company: { $ne: null } }],
      ['ilike', { name: { $ilike: 'glo%' } }],
    ];
    for (const [n, w] of tries) {
      try {
        const r = await em.find(C, w as never, { disableIdentityMap: true });
        console.log(n, r.length);
      } catch (e) {
        console.log(n, 'ERR', (e as Error).message.slice(0, 200));
      }
    }
    const O = entitySchemaOf(Opportunity);
    const o = await em.find(O, {}, { limit: 1 });
    console.log('value type', typeof (o[0] as any)?.value);
  });
} finally {
  await env.close();
}
