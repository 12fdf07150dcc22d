import { entitySchemaOf } from '@elevate/sdk';
import { bootTestKernel } from '@elevate/sdk/testkit';
import { crm } from '../../addons/crm/src/index.ts';
import { Contact } from '../../addons/crm/src/models/contact.model.ts';
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
    const log: string[] = [];
    const orig = tx.run.bind(tx);
    tx.run = async (sql: string, p?: readonly unknown[]) => {
      log.push(sql);
      return orig(sql, p);
    };
    const co = em.create(C, { tenantId: t.id, kind: 'company', name: 'Globex' });
    await em.flush();
    console.log('company', co.id, co.createdAt);
    const p = em.create(C, {
      tenantId: t.id,
      kind: 'person',
      name: 'Ada',
      company: em.getReference(C, [t.id, co.id as string]),
    });
    console.log('before flush', p.tenantId);
    await em.flush();
    const found = await em.find(C, { company: { id: co.id } }, { orderBy: { name: 'asc' } });
    console.log(
      'found',
      found.map((f) => [f.name, (f.company as any)?.id]),
    );
    const n = await em.count(C, { kind: 'person' });
    console.log('count', n);
    const qb = (em as any).createQueryBuilder(C, 't').select(['t.id', 't.name']).where({ kind: 'person' }).limit(5);
    console.log('qb', await qb.execute());
    co.name = 'Globex 2';
    await em.flush();
    console.log('p.tenantId', p.tenantId, JSON.stringify(Object.keys(p)));
    p.name = 'Ada L';
    await em.flush();
    await em.nativeDelete(C, { id: p.id });
    em.clear();
    const p2 = await em.findOneOrFail(C, { id: co.id as string });
    console.log('p2', p2.tenantId);
    p2.name = 'zz';
    await em.flush();
    console.log(log.join('\n'));
  });
} finally {
  await env.close();
}
