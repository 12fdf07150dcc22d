import { describe, expect, it } from 'vitest';
import { checkLiteralHost, guardedLookup, isPrivateAddress } from './ssrf.ts';

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '64:ff9b::a00:1',
    '2002:7f00:1::',
    '0:0:0:0:0:ffff:192.168.0.1',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '172.15.255.255',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:81c::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('allows %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe('checkLiteralHost', () => {
  it('refuses loopback and private literals unless private addresses are allowed', () => {
    for (const u of ['http://127.0.0.1:8080/x', 'http://[::1]/', 'http://[::ffff:127.0.0.1]/']) {
      expect(() => checkLiteralHost(new URL(u), false)).toThrow(/private/);
      expect(() => checkLiteralHost(new URL(u), true)).not.toThrow();
    }
    expect(() => checkLiteralHost(new URL('https://8.8.8.8/'), false)).not.toThrow();
    expect(() => checkLiteralHost(new URL('https://example.com/'), false)).not.toThrow();
  });
});

describe('guardedLookup', () => {
  const resolve = (allowPrivate: boolean, host: string) =>
    new Promise<{ err: Error | null; address: unknown }>((done) =>
      guardedLookup(allowPrivate)(host, { all: true }, (err, address) => done({ err, address })),
    );

  it('refuses a name that resolves to a loopback address (every address is checked)', async () => {
    const r = await resolve(false, 'localhost');
    expect(r.err?.message).toMatch(/resolves to .* a private address/);
  });

  it('passes the addresses on when private addresses are allowed', async () => {
    const r = await resolve(true, 'localhost');
    expect(r.err).toBeNull();
    expect(Array.isArray(r.address) && r.address.length).toBeGreaterThan(0);
  });
});
