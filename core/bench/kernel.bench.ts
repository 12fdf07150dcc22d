// Kernel figures for docs/performance.md: start-up, schema build per tenant set, and the
// cost of the request path (auth + tenant transaction + RLS) against the same SQL behind a
// bare node:http server, measured in the same run.
//   pnpm exec tsx core/bench/kernel.bench.ts
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKernel, loadConfig } from '@elevate/core';
import { bootTestKernel } from '@elevate/testkit';
import { load } from '@elevate/testkit/load';
import { projects } from '@elevate-fixture/projects';
import { tasks } from '@elevate-fixture/tasks';
import { buildSchema, printSchema } from 'graphql';
import pg from 'pg';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const ms = (n: number) => Math.round(n * 10) / 10;

const env = await bootTestKernel({ addons: [projects, tasks], workers: false });
const t = await env.tenant('bench', { enable: ['tasks'] });
const created = await t.client.post('/api/v1/projects/projects', { name: 'Bench project', budget: '10.00' });
const projectId = created.body.id as string;

// 1. Start-up of a second kernel on the migrated database, to listening.
const startups: number[] = [];
const migrates: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: env.databaseUrl,
    REDIS_PREFIX: env.redisPrefix,
    PORT: '0',
    LOG_LEVEL: 'silent',
  });
  const k = await createKernel({ config: { ...config, workers: false }, addons: [projects, tasks] });
  const t1 = performance.now();
  await k.migrate();
  const t2 = performance.now();
  await k.listen();
  const t3 = performance.now();
  startups.push(t1 - t0 + (t3 - t2));
  migrates.push(t2 - t1);
  await k.stop();
}
const refStart: number[] = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
  await pool.query('select 1');
  const server = http.createServer((_q, s) => s.end());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  refStart.push(performance.now() - t0);
  server.close();
  await pool.end();
}

// 1b. A whole process: `elevate start` (Node boot, TypeScript loading, migrate check, listen)
// until /healthz answers.
const { spawn } = await import('node:child_process');
const processStarts: number[] = [];
for (let i = 0; i < 3; i++) {
  const port = 40_100 + i;
  const t0 = performance.now();
  const child = spawn(process.execPath, ['cli/bin/elevate.js', 'start', '--port', String(port), '--no-workers'], {
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      REDIS_PREFIX: env.redisPrefix,
      LOG_LEVEL: 'silent',
      ADDON_PATHS: 'tests/fixtures/addons/projects,tests/fixtures/addons/tasks',
    },
    stdio: 'ignore',
  });
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (performance.now() - t0 > 30_000) throw new Error('elevate start did not come up within 30 s');
    await new Promise((r) => setTimeout(r, 10));
  }
  processStarts.push(performance.now() - t0);
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

// 2. Schema build per distinct enabled set (cold, fresh builder each time) and cache hit.
const { SchemaCache } = await import('../src/graphql/schema.ts');
const sets = [[], ['projects'], ['projects', 'tasks']];
const builds: Record<string, { coldMs: number; types: number; sdlReparseMs: number }> = {};
for (const set of sets) {
  const times: number[] = [];
  let types = 0;
  let sdl = '';
  for (let i = 0; i < 5; i++) {
    const cache = new SchemaCache(env.kernel.addons, env.kernel.tenantAddonService);
    const t0 = performance.now();
    const schema = cache.get(new Set(set));
    times.push(performance.now() - t0);
    types = Object.keys(schema.getTypeMap()).length;
    sdl = printSchema(schema);
  }
  const reparse: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    buildSchema(sdl);
    reparse.push(performance.now() - t0);
  }
  builds[set.join(',') || '(none)'] = { coldMs: ms(median(times)), types, sdlReparseMs: ms(median(reparse)) };
}
const warm = new SchemaCache(env.kernel.addons, env.kernel.tenantAddonService);
warm.get(new Set(['projects', 'tasks']));
const h0 = performance.now();
for (let i = 0; i < 10_000; i++) warm.get(new Set(['tasks', 'projects']));
const hitUs = ((performance.now() - h0) / 10_000) * 1000;

// 3. One record by id: the platform (JWT, tenant tx, permission load, RLS) vs raw SQL.
const raw = new pg.Pool({ connectionString: env.databaseUrl, max: 10 });
const rawServer = http.createServer(async (req, res) => {
  const id = req.url?.split('/').pop();
  const r = await raw.query(
    'select id, name, budget, status, archived, owner_email, created_at, updated_at, created_by from projects_project where id = $1',
    [id],
  );
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(r.rows[0] ?? null));
});
await new Promise<void>((r) => rawServer.listen(0, '127.0.0.1', r));
const rawUrl = `http://127.0.0.1:${(rawServer.address() as AddressInfo).port}/p/${projectId}`;
const auth = { authorization: `Bearer ${t.client.token}` };
const gqlBody = JSON.stringify({
  query: `{ project(id: "${projectId}") { id name budget status archived createdAt } }`,
});
const run = { concurrency: 10, ms: 4000 };
await load(rawUrl, { ...run, ms: 1000 }); // warm-up
const rawRes = await load(rawUrl, run);
await load(`${env.url}/api/v1/projects/projects/${projectId}`, { ...run, ms: 1000, headers: auth });
const restRes = await load(`${env.url}/api/v1/projects/projects/${projectId}`, { ...run, headers: auth });
const gqlRes = await load(`${env.url}/graphql`, {
  ...run,
  method: 'POST',
  body: gqlBody,
  headers: { ...auth, 'content-type': 'application/json' },
});
rawServer.close();
await raw.end();

console.log(
  JSON.stringify(
    {
      startup: {
        processToHealthyMs: ms(median(processStarts)),
        kernelToListeningMs: ms(median(startups)),
        migrateUpToDateMs: ms(median(migrates)),
        referenceBareHttpPlusPgMs: ms(median(refStart)),
      },
      schemaBuild: builds,
      schemaCacheHitUs: Math.round(hitUs * 100) / 100,
      getById: {
        concurrency: run.concurrency,
        seconds: run.ms / 1000,
        raw: rawRes,
        rest: restRes,
        graphql: gqlRes,
        restRatio: ms(restRes.rps / rawRes.rps),
        graphqlRatio: ms(gqlRes.rps / rawRes.rps),
      },
    },
    null,
    2,
  ),
);
await env.close();
