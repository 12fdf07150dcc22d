import { createKernel, loadConfig } from '@elevate/core';
import { createModelTableSql, defineAddon, defineModel, f, Migration } from '@elevate/sdk';
import { bootTestKernel, type TestEnv } from '@elevate/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const Entry = defineModel({
  name: 'ledger.entry',
  fields: { label: f.string({ required: true }), kind: f.string(), size: f.integer() },
});

class LedgerInit0001 extends Migration {
  override up(): void {
    for (const s of createModelTableSql(Entry)) this.addSql(s);
  }
}

const manifest = {
  title: 'Ledger',
  description: 'Upgrade test addon',
  category: 'test',
  platform: '^1.0.0',
};
const installs: string[] = [];
const v1 = defineAddon({
  ...manifest,
  id: 'ledger',
  version: '1.0.0',
  models: [Entry],
  migrations: [LedgerInit0001],
  lifecycle: { install: () => void installs.push('1.0.0') },
});

// Version 1.1.0 adds a column (a schema migration) and two data steps; the second fails once.
class LedgerSize0002 extends Migration {
  override up(): void {
    this.addSql('alter table ledger_entry add column note text');
  }
}
let failSecondStep = true;
const v11 = defineAddon({
  ...manifest,
  id: 'ledger',
  version: '1.1.0',
  models: [Entry],
  migrations: [LedgerInit0001, LedgerSize0002],
  lifecycle: {
    install: () => void installs.push('1.1.0'),
    upgrade: [
      {
        id: 'kind-default',
        version: '1.1.0',
        run: (ctx) => ctx.db.query("update ledger_entry set kind = 'plain' where kind is null").then(() => {}),
      },
      {
        id: 'size-from-label',
        version: '1.1.0',
        run: async (ctx) => {
          if (failSecondStep) throw new Error('simulated crash in the middle of an upgrade');
          await ctx.db.query('update ledger_entry set size = length(label)');
        },
      },
    ],
  },
});

let env: TestEnv;
beforeAll(async () => {
  env = await bootTestKernel({ addons: [v1], workers: false });
});
afterAll(() => env?.close());

describe('addon upgrades', () => {
  it('installs once per deployment, migrates, and resumes data steps per tenant', async () => {
    expect(installs).toEqual(['1.0.0']);
    await env.kernel.migrate(); // idempotent: no second install
    expect(installs).toEqual(['1.0.0']);
    const t = await env.tenant('ledgerco', { enable: ['ledger'] });
    await env.sql("insert into ledger_entry (tenant_id, label) values ($1, 'abc'), ($1, 'hello')", [t.id]);

    // A new deployment of the code: version 1.1.0 against the same database.
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: env.databaseUrl,
      REDIS_PREFIX: env.redisPrefix,
      LOG_LEVEL: 'silent',
    });
    const next = await createKernel({ config: { ...config, workers: false }, addons: [v11] });
    try {
      await next.migrate();
      const columns = await env.sql<{ c: string }>(
        "select column_name as c from information_schema.columns where table_name = 'ledger_entry' and column_name = 'note'",
      );
      expect(columns).toHaveLength(1);
      // The first step committed; the second failed, so the version stays at 1.0.0.
      const steps = async () =>
        (
          await env.sql<{ s: string }>(
            'select step_id as s from core_tenant_addon_step where tenant_id = $1 order by applied_at',
            [t.id],
          )
        ).map((r) => r.s);
      expect(await steps()).toEqual(['kind-default']);
      const version = async () =>
        (
          await env.sql<{ v: string }>(
            "select version as v from core_tenant_addon where tenant_id = $1 and addon_id = 'ledger'",
            [t.id],
          )
        )[0]?.v;
      expect(await version()).toBe('1.0.0');
      expect(await env.sql('select kind, size from ledger_entry order by label')).toEqual([
        { kind: 'plain', size: null },
        { kind: 'plain', size: null },
      ]);

      // Next run resumes with the second step only.
      failSecondStep = false;
      await env.sql("update ledger_entry set kind = 'changed-after-step-1'");
      await next.migrate();
      expect(await steps()).toEqual(['kind-default', 'size-from-label']);
      expect(await version()).toBe('1.1.0');
      expect(await env.sql('select kind, size from ledger_entry order by label')).toEqual([
        { kind: 'changed-after-step-1', size: 3 },
        { kind: 'changed-after-step-1', size: 5 },
      ]);
      expect(installs).toEqual(['1.0.0']); // upgrade is not a fresh install
      const recorded = await env.sql<{ version: string }>(
        "select version from core_addon_install where addon_id = 'ledger'",
      );
      expect(recorded[0]?.version).toBe('1.1.0');
    } finally {
      await next.stop();
    }
  });

  it('a tenant enabling the new version fresh gets no data steps run', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: env.databaseUrl,
      REDIS_PREFIX: env.redisPrefix,
      LOG_LEVEL: 'silent',
    });
    const next = await createKernel({ config: { ...config, workers: false }, addons: [v11] });
    try {
      // Deployed as a deployment does it: migrations first (enabling an unmigrated addon is refused).
      await next.migrate();
      const { tenant } = await next.tenants.create({
        slug: 'fresh',
        name: 'Fresh',
        ownerEmail: 'o@fresh.test',
        ownerPassword: 'password123',
      });
      failSecondStep = true; // would throw if it ran
      expect((await next.tenantAddons.enable(tenant.id, 'ledger')).enabled).toEqual(['ledger']);
      const steps = await env.sql('select step_id from core_tenant_addon_step where tenant_id = $1', [tenant.id]);
      expect(steps).toHaveLength(2);
    } finally {
      await next.stop();
    }
  });
});
