import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@voxq/errors';
import { assertDeliverableUrl, createGuardedLookup, isNameNotFound, isPrivateAddress, URL_GUARD_CODES } from './url-guard';

describe('isPrivateAddress', () => {
  it.each([
    // IPv4 private, loopback and special-purpose ranges
    ['0.0.0.0', true],
    ['0.1.2.3', true],
    ['10.0.0.1', true],
    ['10.255.255.255', true],
    ['100.64.0.1', true],
    ['100.127.255.255', true],
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.0.0.8', true],
    ['192.0.2.1', true],
    ['192.168.1.1', true],
    ['198.18.0.1', true],
    ['198.51.100.7', true],
    ['203.0.113.9', true],
    ['224.0.0.1', true],
    ['239.255.255.250', true],
    ['240.0.0.1', true],
    ['255.255.255.255', true],
    // IPv4 public, including neighbours of the ranges above
    ['8.8.8.8', false],
    ['1.1.1.1', false],
    ['100.63.255.255', false],
    ['100.128.0.0', false],
    ['172.15.255.255', false],
    ['172.32.0.0', false],
    ['169.253.255.255', false],
    ['11.0.0.1', false],
    ['223.255.255.255', false],
    // IPv6 special ranges
    ['::', true],
    ['::1', true],
    ['[::1]', true],
    ['fc00::1', true],
    ['fd12:3456:789a::1', true],
    ['FD00::1', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['fec0::1', true],
    ['ff02::1', true],
    ['2001:db8::1', true],
    ['2001:0:4136:e378::1', true],
    ['100::1', true],
    ['64:ff9b:1::1', true],
    // IPv6 forms that wrap an IPv4 address are judged by that address
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:10.1.2.3', true],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['0:0:0:0:0:ffff:192.168.0.1', true],
    ['::ffff:0:127.0.0.1', true],
    ['64:ff9b::10.0.0.1', true],
    ['64:ff9b::a00:1', true],
    ['2002:7f00:1::1', true],
    ['2002:c0a8:101::', true],
    ['::127.0.0.1', true],
    ['::ffff:8.8.8.8', false],
    ['64:ff9b::808:808', false],
    ['2002:808:808::1', false],
    // IPv6 public
    ['2606:4700:4700::1111', false],
    ['2a00:1450:4001:80b::200e', false],
    ['fbff::1', false],
    ['fe00::1', false],
    // Not an address: treated as private, never as public
    ['example.com', true],
    ['', true],
    ['1.2.3', true],
    ['::ffff:999.1.1.1', true],
  ])('%s → %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });
});

const strict = { allowPrivateNetworks: false, allowHttp: false };
const local = { allowPrivateNetworks: true, allowHttp: true };

async function refusal(url: string, policy = strict) {
  try {
    await assertDeliverableUrl(url, policy, 'webhook.url');
  } catch (error) {
    if (isAppError(error)) return error;
    throw error;
  }
  throw new Error(`${url} was accepted`);
}

describe('assertDeliverableUrl', () => {
  it.each([
    ['not a url', /absolute http\(s\) URL/],
    ['ftp://example.com/hook', /must be an https URL/],
    ['file:///etc/passwd', /must be an https URL/],
    ['http://example.com/hook', /plain http is disabled/],
    ['https://127.0.0.1/hook', /127\.0\.0\.1, a private or reserved address/],
    ['https://169.254.169.254/latest/meta-data', /private or reserved/],
    ['https://[::1]:8443/hook', /private or reserved/],
    ['https://[::ffff:10.0.0.1]/hook', /private or reserved/],
    ['https://2130706433/hook', /127\.0\.0\.1/],
    ['https://0x7f.1/hook', /127\.0\.0\.1/],
    ['https://localhost:8443/hook', /resolves to 127\.0\.0\.1/],
  ])('refuses %s', async (url, message) => {
    const error = await refusal(url);
    expect(error.code).toBe(URL_GUARD_CODES.refused);
    expect(error.type).toBe('invalid_request_error');
    expect(error.status).toBe(400);
    expect(error.param).toBe('webhook.url');
    expect(error.message).toMatch(message);
  });

  it('refuses a host that does not resolve, with its own code', async () => {
    const error = await refusal('https://nothing-here.invalid/hook', local);
    expect(error.code).toBe(URL_GUARD_CODES.unresolved);
    expect(error.message).toMatch(/does not resolve/);
  });

  // Only a name with no address is the URL's fault; a resolver that failed is not (503, retried).
  it.each([
    ['ENOTFOUND', true],
    ['ENODATA', true],
    ['EAI_NONAME', true],
    ['EAI_NODATA', true],
    ['EAI_AGAIN', false],
    ['ESERVFAIL', false],
    ['ETIMEOUT', false],
    ['ECONNREFUSED', false],
  ])('reads the DNS error %s as name-not-found: %s', (code, expected) => {
    expect(isNameNotFound(Object.assign(new Error(code), { code }))).toBe(expected);
  });

  it('reads a failure without a DNS code as a resolver failure, not a missing name', () => {
    expect(isNameNotFound(new Error('boom'))).toBe(false);
    expect(isNameNotFound(undefined)).toBe(false);
  });

  it('accepts public IP literals and, when allowed, local http URLs', async () => {
    await expect(assertDeliverableUrl('https://8.8.8.8/hook', strict)).resolves.toBeUndefined();
    await expect(assertDeliverableUrl('https://[2606:4700:4700::1111]/hook', strict)).resolves.toBeUndefined();
    await expect(assertDeliverableUrl('http://127.0.0.1:9000/hook', local)).resolves.toBeUndefined();
    await expect(assertDeliverableUrl('http://localhost:9000/hook', local)).resolves.toBeUndefined();
  });

  it('names the param it was given', async () => {
    expect((await refusal('ftp://x.example')).param).toBe('webhook.url');
    const error = await assertDeliverableUrl('ftp://x.example', strict, 'tools.0.url').catch((e: unknown) => e);
    expect(isAppError(error) && error.param).toBe('tools.0.url');
  });
});

describe('createGuardedLookup', () => {
  const lookupWith = (allowPrivateNetworks: boolean, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[] }>((resolve) =>
      createGuardedLookup({ allowPrivateNetworks })('localhost', { all }, (error, address) => resolve({ error, address })),
    );

  it('refuses, at connect time, a host that resolves to a private address', async () => {
    const { error } = await lookupWith(false, false);
    expect(error?.code).toBe('EPRIVATEADDRESS');
    expect(error?.message).toMatch(/private or reserved/);
  });

  it('answers as dns.lookup does when private networks are allowed', async () => {
    const expected = await new Promise<string>((resolve) => dnsLookup('localhost', (_e, address) => resolve(address)));
    expect((await lookupWith(true, false)).address).toBe(expected);
    expect(await lookupWith(true, true)).toMatchObject({ error: null, address: expect.arrayContaining([expect.objectContaining({ address: expected })]) });
  });
});
