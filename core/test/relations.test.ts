import { withTenant } from '@elevate/core';
import { entitySchemaOf } from '@elevate/sdk';
import { bootTestKernel, type TestEnv, type TestTenant } from '@elevate/testkit';
import { Entry, journal, Label, Topic } from '@elevate-fixture/journal';
import type { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantDb } from '../src/db/repository.ts';

// Relations that are not columns, declared on the model with `rel`: journal entries carry labels
// (many-to-many through a tenant-keyed pivot) and topics list their entries (one-to-many).
// Everything runs as the app role, under forced row-level security, through ctx.em.

let env: TestEnv;
let seq = 0;
const company = (): Promise<TestTenant> => env.tenant(`rel${++seq}`, { enable: ['journal'] });
const [E, L, T] = [entitySchemaOf(Entry), entitySchemaOf(Label), entitySchemaOf(Topic)];
// biome-ignore lint/suspicious/noExplicitAny: entity rows in a test
type Any = Record<string, any>;

/** Runs `fn` with the tenant's EntityManager in one committed transaction, as the app role. */
const asTenant = <R>(t: TestTenant, fn: (em: EntityManager) => Promise<R>) =>
  withTenant(env.kernel.runtime.pools.app, t.id, async (tx) => {
    const em = tenantDb(tx, null, env.kernel.runtime.orm).em();
    const out = await fn(em);
    await em.flush();
    return out;
  });

beforeAll(async () => {
  env = await bootTestKernel({ addons: [journal], workers: false });
});
afterAll(() => env?.close());

describe('many-to-many and one-to-many relations', () => {
  it('the migration made a tenant-keyed pivot with forced row-level security', async () => {
    const cols = await env.sql<{ column_name: string }>(
      "select column_name from information_schema.columns where table_name = 'journal_entry_labels' order by ordinal_position",
    );
    expect(cols.map((c) => c.column_name)).toEqual(['tenant_id', 'entry_id', 'label_id']);
    const [rls] = await env.sql<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      "select relrowsecurity, relforcerowsecurity from pg_class where relname = 'journal_entry_labels'",
    );
    expect(rls).toEqual({ relrowsecurity: true, relforcerowsecurity: true });
    const fks = await env.sql<{ def: string }>(
      `select pg_get_constraintdef(oid) as def from pg_constraint
       where conrelid = 'journal_entry_labels'::regclass and contype = 'f' order by 1`,
    );
    expect(fks.map((f) => f.def)).toEqual([
      'FOREIGN KEY (tenant_id) REFERENCES core_tenant(id) ON DELETE CASCADE',
      'FOREIGN KEY (tenant_id, entry_id) REFERENCES journal_entry(tenant_id, id) ON DELETE CASCADE',
      'FOREIGN KEY (tenant_id, label_id) REFERENCES journal_label(tenant_id, id) ON DELETE CASCADE',
    ]);
  });

  it('adds, loads and removes labels of an entry through the unit of work', async () => {
    const t = await company();
    const id = await asTenant(t, async (em) => {
      const [a, b] = [em.create(L, { name: 'urgent' }), em.create(L, { name: 'later' })];
      const e = em.create(E, { text: 'with labels', pinned: false }) as Any;
      e.labels.add(a, b);
      return e.id as string;
    });
    const names = () =>
      asTenant(t, async (em) => {
        const e = (await em.findOneOrFail(E, { id }, { populate: ['labels'] as never })) as Any;
        return (e.labels.getItems() as Any[]).map((l) => l.name).sort();
      });
    expect(await names()).toEqual(['later', 'urgent']);
    await asTenant(t, async (em) => {
      const e = (await em.findOneOrFail(E, { id }, { populate: ['labels'] as never })) as Any;
      e.labels.remove((l: Any) => l.name === 'later');
    });
    expect(await names()).toEqual(['urgent']);
    const pivot = await env.sql<{ tenant_id: string }>(
      'select tenant_id from journal_entry_labels where entry_id = $1',
      [id],
    );
    expect(pivot).toEqual([{ tenant_id: t.id }]);
  });

  it('lists a topic’s entries (one-to-many) and filters entries by label', async () => {
    const t = await company();
    await asTenant(t, async (em) => {
      const topic = em.create(T, { name: 'Work', color: 'blue' });
      const label = em.create(L, { name: 'vip' });
      const one = em.create(E, { text: 'one', pinned: false, topic }) as Any;
      em.create(E, { text: 'two', pinned: false, topic });
      em.create(E, { text: 'none', pinned: false });
      one.labels.add(label);
    });
    await asTenant(t, async (em) => {
      const topic = (await em.findOneOrFail(T, { name: 'Work' }, { populate: ['entries'] as never })) as Any;
      expect((topic.entries.getItems() as Any[]).map((e) => e.text).sort()).toEqual(['one', 'two']);
      const labelled = (await em.find(E, { labels: { name: 'vip' } } as never)) as Any[];
      expect(labelled.map((e) => e.text)).toEqual(['one']);
    });
  });

  it('keeps tenants apart: another tenant cannot see or attach to a label', async () => {
    const [a, b] = [await company(), await company()];
    const labelId = await asTenant(a, async (em) => (em.create(L, { name: 'secret' }) as Any).id as string);
    const entryId = await asTenant(b, async (em) => (em.create(E, { text: 'b', pinned: false }) as Any).id as string);
    expect(await asTenant(b, (em) => em.count(L, {}))).toBe(0);
    // Attaching A's label to B's entry fails at the tenant-keyed foreign key (and RLS), writing nothing.
    await expect(
      asTenant(b, async (em) => {
        const e = (await em.findOneOrFail(E, { id: entryId })) as Any;
        e.labels.add(em.getReference(L, [b.id, labelId] as never));
      }),
    ).rejects.toThrow();
    expect(await env.sql('select 1 from journal_entry_labels where entry_id = $1', [entryId])).toEqual([]);
  });

  it('deleting an entry or a label deletes its pivot rows', async () => {
    const t = await company();
    const ids = await asTenant(t, async (em) => {
      const l = em.create(L, { name: 'gone' }) as Any;
      const e1 = em.create(E, { text: 'e1', pinned: false }) as Any;
      const e2 = em.create(E, { text: 'e2', pinned: false }) as Any;
      e1.labels.add(l);
      e2.labels.add(l);
      return { label: l.id as string, e1: e1.id as string };
    });
    await env.sql('delete from journal_entry where id = $1', [ids.e1]);
    expect(await env.sql('select 1 from journal_entry_labels where tenant_id = $1', [t.id])).toHaveLength(1);
    await env.sql('delete from journal_label where id = $1', [ids.label]);
    expect(await env.sql('select 1 from journal_entry_labels where tenant_id = $1', [t.id])).toHaveLength(0);
  });
});
