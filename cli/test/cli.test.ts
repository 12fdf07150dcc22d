// Runs the real `elevate` CLI as a child process against a fresh database of its own.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEEDED_ROLES } from '@elevate/sdk/permissions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabase, ensureDatabase } from '../src/database.ts';

const BIN = fileURLToPath(new URL('../bin/elevate.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const suffix = randomBytes(5).toString('hex');
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/elevate_cli_${suffix}`;
const REDIS_PREFIX = `elevate_cli_${suffix}`;

interface RedisClient {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}

/** Removes the queues the child processes created under this file's prefix (ioredis comes with the core). */
async function dropRedisKeys(): Promise<void> {
  const require = createRequire(import.meta.resolve('@elevate/core'));
  const { Redis } = require('ioredis') as { Redis: new (url: string) => RedisClient };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`${REDIS_PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
  } finally {
    await redis.quit();
  }
}

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function elevate(args: string[], extra: Record<string, string> & { cwd?: string } = {}): Promise<Result> {
  const { cwd = ROOT, ...extraEnv } = extra;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL,
    REDIS_PREFIX,
    ...extraEnv,
  };
  delete env.DEBUG;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLineError(result: Result, pattern: RegExp): void {
  expect(result.code).toBe(1);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^elevate: /);
  expect(lines[0]).toMatch(pattern);
}

// Each command is a fresh Node process loading TypeScript through tsx (seconds each on a busy
// 2-core machine), so these tests get a wider bound than the suite's 30 s.
describe('elevate CLI without a database', { timeout: 120_000 }, () => {
  it('--help exits 0 and lists every command', async () => {
    const result = await elevate(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['start', 'migrate', 'seed', 'tenant', 'user', 'addon', 'worker']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    }
  });

  it('offers every seeded role to user create, and refuses others naming them', async () => {
    const help = await elevate(['user', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(`(choices: ${SEEDED_ROLES.map((r) => `"${r}"`).join(', ')}`);
    const bad = await elevate([
      'user',
      'create',
      '--tenant',
      'x',
      '--email',
      'a@b.c',
      '--password',
      'p',
      '--role',
      'boss',
    ]);
    expectOneLineError(bad, new RegExp(`Allowed choices are ${SEEDED_ROLES.join(', ')}`));
  });

  it('writes a new addon’s first migration, creating the migration list its manifest imports', async () => {
    // A new addon outside the repository, as the authoring guide has one write it: a model and a
    // manifest that imports ../migrations/index.ts, which does not exist yet.
    const dir = mkdtempSync(join(tmpdir(), 'elevate-newaddon-'));
    try {
      mkdirSync(join(dir, 'src'));
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({
          name: '@acme/notes',
          type: 'module',
          exports: { '.': './src/index.ts' },
          elevate: { addon: true },
        }),
      );
      writeFileSync(
        join(dir, 'src/index.ts'),
        [
          `import { defineAddon, defineModel, f } from ${JSON.stringify(import.meta.resolve('@elevate/sdk'))};`,
          "import { migrations } from '../migrations/index.ts';",
          "const Note = defineModel({ name: 'acmenotes.note', fields: { text: f.string({ required: true }) } });",
          "export const notes = defineAddon({ id: 'acmenotes', version: '0.1.0', title: 'Notes', description: 'x', category: 'x', platform: '^1.0.0', models: [Note], migrations });",
        ].join('\n'),
      );
      const result = await elevate(['addon', 'migration', 'acmenotes', '--name', 'init'], { ADDON_PATHS: dir });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Created .*migrations\/index\.ts \(no migrations yet\)/);
      expect(result.stdout).toMatch(/Wrote .*Migration0001AcmenotesInit\.ts/);
      expect(readFileSync(join(dir, 'migrations/index.ts'), 'utf8')).toContain('AcmenotesInit0001');
      expect(readFileSync(join(dir, 'migrations/Migration0001AcmenotesInit.ts'), 'utf8')).toContain(
        'create table "acmenotes_note"',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works from a folder outside the repository on the checkout it belongs to', async () => {
    const result = await elevate(['addon', 'migration', 'crm'], { cwd: tmpdir() });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/"crm": its models match/);
  });

  it('refuses a Node older than 24 with one line saying what to run', async () => {
    const old = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));
    if (!old) return; // no second Node on this machine to try
    const version = await new Promise<string>((resolve) => {
      const c = spawn(old, ['-p', 'process.versions.node']);
      let out = '';
      c.stdout.on('data', (b: Buffer) => {
        out += b.toString();
      });
      c.on('close', () => resolve(out.trim()));
    });
    if (Number(version.split('.')[0]) >= 24) return;
    const result = await new Promise<Result>((resolve, reject) => {
      const c = spawn(old, [BIN, '--help'], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      c.stdout.on('data', (b: Buffer) => {
        stdout += b.toString();
      });
      c.stderr.on('data', (b: Buffer) => {
        stderr += b.toString();
      });
      c.on('error', reject);
      c.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    expectOneLineError(result, new RegExp(`Node ${version.replace(/\./g, '\\.')} is too old .*run \\./elevate`));
  });

  it('rejects an unknown command with one line', async () => {
    const result = await elevate(['frobnicate']);
    expectOneLineError(result, /unknown command 'frobnicate'/);
  });

  it('asks for a missing addon id only in a terminal; in a script it fails with the usage instead of waiting', async () => {
    const result = await elevate(['addon', 'new']);
    expectOneLineError(
      result,
      /missing the addon id: `elevate addon new <id>` \(run it in a terminal to be asked instead\)/,
    );
  });

  it('names a bad environment value', async () => {
    const result = await elevate(['tenant', 'list'], { PORT: 'abc' });
    expectOneLineError(result, /PORT/);
  });

  it('says which PostgreSQL URL could not be reached', async () => {
    const result = await elevate(['migrate'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/elevate' });
    expectOneLineError(result, /cannot reach PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/elevate/);
  });
});

describe('elevate CLI against a fresh database', { timeout: 120_000 }, () => {
  beforeAll(async () => {
    expect(await ensureDatabase(DATABASE_URL)).toBe(true);
    const migrated = await elevate(['migrate']);
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
  });

  afterAll(async () => {
    await dropDatabase(DATABASE_URL);
    await dropRedisKeys();
  });

  it('creates a manager (a seeded role), who then holds that role', async () => {
    const slug = `roles-${suffix}`;
    const tenant = await elevate([
      'tenant',
      'create',
      '--slug',
      slug,
      '--name',
      'Roles Inc',
      '--owner-email',
      `owner@${slug}.test`,
      '--owner-password',
      'correct horse battery staple',
    ]);
    expect(tenant.code).toBe(0);
    for (const role of ['manager'] as const) {
      const user = await elevate([
        'user',
        'create',
        '--tenant',
        slug,
        '--email',
        `${role}@${slug}.test`,
        '--password',
        'another long password',
        '--role',
        role,
      ]);
      expect(user.stderr).toBe('');
      expect(user.code).toBe(0);
      expect(user.stdout).toContain(`Created ${role} ${role}@${slug}.test`);
    }
    const { Client } = createRequire(import.meta.resolve('@elevate/core'))('pg') as {
      Client: new (o: {
        connectionString: string;
      }) => {
        connect(): Promise<unknown>;
        query(sql: string, values: unknown[]): Promise<{ rows: { email: string; key: string }[] }>;
        end(): Promise<void>;
      };
    };
    const db = new Client({ connectionString: DATABASE_URL });
    await db.connect();
    try {
      const { rows } = await db.query(
        `select u.email, r.key from core_user u join core_user_role ur on ur.tenant_id = u.tenant_id and ur.user_id = u.id
         join core_role r on r.tenant_id = ur.tenant_id and r.id = ur.role_id
         join core_tenant t on t.id = u.tenant_id where t.slug = $1 order by r.key`,
        [slug],
      );
      expect(rows.map((r) => [r.key, r.email.split('@')[0]])).toEqual([
        ['manager', 'manager'],
        ['owner', 'owner'],
      ]);
    } finally {
      await db.end();
    }
  }, 60_000); // one kernel start per command

  it('reports an unknown tenant slug', async () => {
    const result = await elevate(['addon', 'list', '--tenant', 'nope']);
    expectOneLineError(result, /^elevate: no tenant with slug "nope"$/);
  });

  it('creates a tenant and a user, then lists the addons', async () => {
    const slug = `acme-${suffix}`;
    const created = await elevate([
      'tenant',
      'create',
      '--slug',
      slug,
      '--name',
      'Acme Inc',
      '--owner-email',
      `ada@${slug}.test`,
      '--owner-password',
      'correct horse battery staple',
      '--owner-name',
      'Ada Lovelace',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`Created tenant "${slug}"`);

    const listed = await elevate(['tenant', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${slug}\\s+Acme Inc\\s`, 'm'));

    const user = await elevate([
      'user',
      'create',
      '--tenant',
      slug,
      '--email',
      `bob@${slug}.test`,
      '--password',
      'another long password',
      '--role',
      'admin',
    ]);
    expect(user.stderr).toBe('');
    expect(user.code).toBe(0);
    expect(user.stdout).toContain(`bob@${slug}.test`);

    const addons = await elevate(['addon', 'list', '--tenant', slug]);
    expect(addons.stderr).toBe('');
    expect(addons.code).toBe(0);
    expect(addons.stdout.split('\n')[0]).toMatch(/^id\s+version\s+enabled\s+tenant version\s+depends\s+required by$/);

    const unknownAddon = await elevate(['addon', 'enable', 'no-such-addon', '--tenant', slug]);
    expect(unknownAddon.code).toBe(1);
    expect(unknownAddon.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
