import { entitySchemaOf } from '@elevate/sdk';
import { bootTestKernel } from '@elevate/sdk/testkit';
import { crm } from '../../addons/crm/src/index.ts';
import { Lead } from '../../addons/crm/src/models/lead.model.ts';
import { tenantDb } from '../src/db/repository.ts';
import { withTenant } from '../src/db/tenant-tx.ts';

const env = await bootTestKernel({ addons: [crm], workers: false });
try {
  const t = await env.tenant('acme', { enable: ['crm'] });
  const rt = env.kernel.runtime;
  console.log(entitySchemaOf(Lead).meta.properties.value);
  await withTenant(rt.pools.app, t.id, async (tx) => {
    const orig = tx.run.bind(tx);
    tx.run = async (sql: string, p?: readonly unknown[]) => {
      console.log('SQL', sql);
      return orig(sql, p);
    };
    const r = await tenantDb(tx, null, rt.orm)
      .repo(Lead)
      .insert({ title: 'x', value: '12.5' } as never);
    console.log(r);
  });
} finally {
  await env.close();
}
