import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { appDatabaseUrl, ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has working defaults for development', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.appDbUser).toBe('elevate_app');
    expect(appDatabaseUrl(c)).toBe('postgres://elevate_app:elevate_app@127.0.0.1:5432/elevate');
  });

  it('reports every bad value with its name, at once', () => {
    try {
      loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', WORKERS: 'maybe' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT="abc" must be a whole number from 0 to 65535');
      expect(problems).toContain('DATABASE_URL="mysql://x" must start with postgres:// or postgresql://');
      expect(problems).toContain('LOG_LEVEL="loud" must be one of');
      expect(problems).toContain('WORKERS="maybe" must be true or false');
    }
  });

  it('reads the mail settings and refuses an SMTP_URL that is not smtp:// or smtps://', () => {
    const c = loadConfig({ SMTP_URL: 'smtp://mail.test:2525', PUBLIC_URL: 'https://crm.example.com/' });
    expect([c.smtpUrl, c.publicUrl, c.mailAttempts]).toEqual(['smtp://mail.test:2525', 'https://crm.example.com', 5]);
    expect(loadConfig({}).smtpUrl).toBeNull();
    expect(() => loadConfig({ SMTP_URL: 'http://mail.test' })).toThrow(
      'SMTP_URL="http://mail.test" must start with smtp:// or smtps://',
    );
    expect(() => loadConfig({ MAIL_ATTEMPTS: '0' })).toThrow('MAIL_ATTEMPTS="0" must be a whole number from 1 to 50');
  });

  it('requires a real JWT secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow('JWT_SECRET is required in production');
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow('at least 32 characters');
    expect(
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATABASE_APP_PASSWORD: 'a-real-one' }).env,
    ).toBe('production');
  });

  it('refuses to start in production with the default app database password, naming it', () => {
    const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    try {
      loadConfig(prod);
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems;
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^DATABASE_APP_PASSWORD is the development default/);
      expect(problems[0]).not.toContain('\n');
    }
    expect(() => loadConfig({ ...prod, DATABASE_APP_PASSWORD: 'elevate_app' })).toThrow('DATABASE_APP_PASSWORD');
    expect(loadConfig({ ...prod, DATABASE_APP_PASSWORD: 'a-real-one' }).appDbPassword).toBe('a-real-one');
    // Development and tests keep the default.
    expect(loadConfig({ NODE_ENV: 'test' }).appDbPassword).toBe('elevate_app');
  });

  it('refuses a JWT secret under 32 bytes or the development one in production', () => {
    const prod = { NODE_ENV: 'production', DATABASE_APP_PASSWORD: 'a-real-one' };
    expect(() => loadConfig({ ...prod, JWT_SECRET: 'y'.repeat(31) })).toThrow(/JWT_SECRET must be at least 32/);
    expect(() => loadConfig({ ...prod, JWT_SECRET: 'dev-only-secret-change-me-dev-only-secret' })).toThrow(
      /JWT_SECRET is the development default/,
    );
    expect(loadConfig({ ...prod, JWT_SECRET: 'y'.repeat(32) }).jwtSecret).toHaveLength(32);
  });

  it('reads CORS origins, the proxy trust, sign-up and the throttle rates', () => {
    const c = loadConfig({
      CORS_ORIGINS: 'https://a.test, http://localhost:5173/',
      TRUST_PROXY: '1',
      SIGNUP: 'closed',
      THROTTLE_LOGIN_ACCOUNT: '10/60',
    });
    expect(c.corsOrigins).toEqual(['https://a.test', 'http://localhost:5173']);
    expect(c.trustProxy).toBe(1);
    expect(c.signup).toBe('closed');
    expect(c.throttle.loginAccount).toEqual({ points: 10, durationSec: 60 });
    const d = loadConfig({});
    expect(d.corsOrigins).toEqual([]);
    expect(d.trustProxy).toBe(0);
    expect(d.signup).toBe('open');
    expect(d.throttle.loginAccount).toEqual({ points: 5, durationSec: 900 });
    try {
      loadConfig({ CORS_ORIGINS: '*,https://a.test/path', THROTTLE_API: 'lots', SIGNUP: 'maybe' });
      expect.unreachable();
    } catch (err) {
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toContain('CORS_ORIGINS: "*" is not an origin');
      expect(problems).toContain('CORS_ORIGINS: "https://a.test/path" is not an origin');
      expect(problems).toContain('THROTTLE_API="lots" must read N/S');
      expect(problems).toContain('SIGNUP="maybe" must be one of: open, closed');
    }
  });
});

describe('configuration docs', () => {
  it('docs/configuration.md names every variable the configuration reads', () => {
    const source = readFileSync(new URL('./config.ts', import.meta.url), 'utf8');
    const read = [...new Set([...source.matchAll(/\(['"]([A-Z][A-Z0-9_]{2,})['"]/g)].map((m) => m[1] as string))];
    expect(read.length).toBeGreaterThan(30);
    const doc = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(read.filter((v) => !doc.includes(`\`${v}\``))).toEqual([]);
  });
});
