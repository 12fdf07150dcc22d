// crm benchmark: what the audit triggers cost, on the 10,000-row import and on single creates
// over REST, measured against the same work with the triggers of every crm table turned off.
// Interleaved rounds (off, on), each into a fresh tenant; the best of each kept.
//   node --import tsx/esm addons/crm/bench/audit.bench.ts
import { type ApiClient, bootTestKernel, type TestEnv } from '@elevate/testkit';
import { crm } from '../src/index.ts';
import { timedImport } from './contacts-csv.ts';

const ROUNDS = Number(process.env.BENCH_RUNS ?? 3);
const CREATES = 100;

/** Mean ms of one contact create over REST. */
async function creates(client: ApiClient, n: number): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const res = await client.post('/api/v1/crm/contacts', { name: `Bench ${i}`, email: `bench${i}@example.com` });
    if (res.status !== 201) throw new Error(`create answered ${res.status}`);
  }
  return (performance.now() - t0) / n;
}

/** Turns the audit triggers of every crm table off or on (they are per table, not per tenant). */
async function auditTriggers(env: TestEnv, on: boolean): Promise<void> {
  const tables = await env.sql<{ t: string }>(
    "select distinct c.relname as t from pg_trigger g join pg_class c on c.oid = g.tgrelid where g.tgname = 'core_audit_ins' and c.relname like 'crm\\_%'",
  );
  for (const { t } of tables) {
    for (const name of ['core_audit_ins', 'core_audit_upd', 'core_audit_del']) {
      await env.sql(`alter table "${t}" ${on ? 'enable' : 'disable'} trigger ${name}`);
    }
  }
}

const env = await bootTestKernel({ addons: [crm] });
const best = { importOff: Infinity, importOn: Infinity, createOff: Infinity, createOn: Infinity };
try {
  // Warm-up (prepared statements, caches, the job worker), so neither measured run goes first cold.
  const warm = await env.tenant('audit-bench-warm', { enable: ['crm'] });
  await creates(warm.client, 20);
  await timedImport(warm.client);
  for (let round = 0; round < ROUNDS; round++) {
    const without = await env.tenant(`audit-bench-off-${round}`, { enable: ['crm'] });
    await auditTriggers(env, false);
    try {
      best.importOff = Math.min(best.importOff, await timedImport(without.client));
      best.createOff = Math.min(best.createOff, await creates(without.client, CREATES));
    } finally {
      await auditTriggers(env, true);
    }
    const withAudit = await env.tenant(`audit-bench-on-${round}`, { enable: ['crm'] });
    best.importOn = Math.min(best.importOn, await timedImport(withAudit.client));
    best.createOn = Math.min(best.createOn, await creates(withAudit.client, CREATES));
  }
} finally {
  await env.close();
}
console.log(
  `audit triggers: import of 10,000 rows ${best.importOff.toFixed(0)} ms without, ${best.importOn.toFixed(0)} ms with; ` +
    `one create ${best.createOff.toFixed(2)} ms without, ${best.createOn.toFixed(2)} ms with (best of ${ROUNDS})`,
);
