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
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).env).toBe('production');
  });
});
