import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '@voxq/errors';
import { assertDeliverableUrl, createGuardedLookup, isNameNotFound, isPrivateAddress, URL_GUARD_CODES } from './url-guard';

// Every blocked range and every way of writing an address, so that deleting a range or
// loosening an unwrapping rule fails a test here. url-guard.spec.ts holds the basic cases.

/** Each IPv4 range (the spec, written out independently of the guard's table), its first and last address. */
const IPV4_BLOCKED: Array<[range: string, first: string, last: string]> = [
  ['0.0.0.0/8', '0.0.0.0', '0.255.255.255'],
  ['10.0.0.0/8', '10.0.0.0', '10.255.255.255'],
  ['100.64.0.0/10', '100.64.0.0', '100.127.255.255'],
  ['127.0.0.0/8', '127.0.0.0', '127.255.255.255'],
  ['169.254.0.0/16', '169.254.0.0', '169.254.255.255'],
  ['172.16.0.0/12', '172.16.0.0', '172.31.255.255'],
  ['192.0.0.0/24', '192.0.0.0', '192.0.0.255'],
  ['192.0.2.0/24', '192.0.2.0', '192.0.2.255'],
  ['192.88.99.0/24', '192.88.99.0', '192.88.99.255'],
  ['192.168.0.0/16', '192.168.0.0', '192.168.255.255'],
  ['198.18.0.0/15', '198.18.0.0', '198.19.255.255'],
  ['198.51.100.0/24', '198.51.100.0', '198.51.100.255'],
  ['203.0.113.0/24', '203.0.113.0', '203.0.113.255'],
  ['224.0.0.0/4', '224.0.0.0', '239.255.255.255'],
  ['240.0.0.0/4', '240.0.0.0', '255.255.255.255'],
];

const toNumber = (ip: string) => ip.split('.').reduce((n, byte) => n * 256 + Number(byte), 0);
const toDotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
const blockedV4 = (ip: string) => IPV4_BLOCKED.some(([, first, last]) => toNumber(ip) >= toNumber(first) && toNumber(ip) <= toNumber(last));

describe('every blocked IPv4 range', () => {
  it.each(IPV4_BLOCKED)('%s: blocked from %s to %s, public just outside', (_range, first, last) => {
    expect(isPrivateAddress(first)).toBe(true);
    expect(isPrivateAddress(last)).toBe(true);
    expect(isPrivateAddress(toDotted((toNumber(first) + toNumber(last)) / 2 - 0.5))).toBe(true);
    for (const outside of [toNumber(first) - 1, toNumber(last) + 1].filter((n) => n >= 0 && n < 2 ** 32).map(toDotted)) {
      expect([outside, isPrivateAddress(outside)]).toEqual([outside, blockedV4(outside)]);
    }
  });

  it('blocks an address exactly when it lies in one of the ranges', () => {
    fc.assert(fc.property(fc.ipV4(), (ip) => isPrivateAddress(ip) === blockedV4(ip)));
  });
});

/** Each IPv6 range with addresses only it covers, and a public address next to it. */
const IPV6_BLOCKED: Array<[range: string, inside: string[], outside: string]> = [
  ['::/96 (unspecified, loopback, IPv4-compatible)', ['::', '::1', '::8.8.8.8', '::ffff:0', '::7f00:1'], '0:0:0:0:0:1::'],
  ['64:ff9b:1::/48 (local-use NAT64)', ['64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', '64:ff9b:1::808:808'], '64:ff9b:2::1'],
  ['100::/64 (discard-only)', ['100::', '100::ffff:ffff:ffff:ffff'], '100:0:0:1::'],
  ['2001::/32 (Teredo)', ['2001::', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:0:ffff:ffff:ffff:ffff:ffff:ffff'], '2001:1::1'],
  ['2001:2::/48 (benchmarking)', ['2001:2::', '2001:2:0:ffff:ffff:ffff:ffff:ffff'], '2001:2:1::1'],
  ['2001:10::/28 (ORCHID)', ['2001:10::', '2001:1f:ffff::1'], '2001:20::1'],
  ['2001:db8::/32 (documentation)', ['2001:db8::', '2001:db8:ffff::1'], '2001:db9::1'],
  ['3fff::/20 (documentation)', ['3fff::', '3fff:fff::1'], '3fff:1000::1'],
  ['5f00::/16 (SRv6 SIDs)', ['5f00::', '5f00:ffff::1'], '5f01::1'],
  ['fc00::/7 (unique-local)', ['fc00::', 'fdff:ffff::1'], 'fbff:ffff::1'],
  ['fe80::/10 (link-local)', ['fe80::', 'febf:ffff::1'], 'fe7f::1'],
  ['fec0::/10 (site-local)', ['fec0::', 'feff:ffff::1'], 'fe7f:ffff::1'],
  ['ff00::/8 (multicast)', ['ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'], 'fe00::1'],
];

describe('every blocked IPv6 range', () => {
  it.each(IPV6_BLOCKED)('%s', (_range, inside, outside) => {
    for (const ip of inside) expect([ip, isPrivateAddress(ip)]).toEqual([ip, true]);
    expect([outside, isPrivateAddress(outside)]).toEqual([outside, false]);
  });
});

const hex = (n: number) => n.toString(16);
/** The IPv6 forms that stand for an IPv4 address: each must be judged by that address. */
const wrappings = (v4: string): Array<[form: string, ip: string]> => {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  const hi = hex(a * 256 + b);
  const lo = hex(c * 256 + d);
  return [
    ['IPv4-mapped, dotted', `::ffff:${v4}`],
    ['IPv4-mapped, hex', `::ffff:${hi}:${lo}`],
    ['IPv4-mapped, written out', `0:0:0:0:0:ffff:${v4}`],
    ['IPv4-translated', `::ffff:0:${v4}`],
    ['IPv4-translated, hex', `::ffff:0:${hi}:${lo}`],
    ['NAT64', `64:ff9b::${v4}`],
    ['NAT64, hex', `64:ff9b::${hi}:${lo}`],
    ['6to4', `2002:${hi}:${lo}::`],
    ['6to4 with a host part', `2002:${hi}:${lo}:1:2:3:4:5`],
  ];
};

describe('IPv6 forms that wrap an IPv4 address', () => {
  it.each(['127.0.0.1', '10.1.2.3', '169.254.169.254', '192.168.0.1', '100.64.0.1', '0.0.0.0', '255.255.255.255'])('blocks every form of %s', (v4) => {
    for (const [form, ip] of wrappings(v4)) expect([form, ip, isPrivateAddress(ip)]).toEqual([form, ip, true]);
  });

  it.each(['8.8.8.8', '93.184.216.34', '151.101.1.69', '1.1.1.1'])('lets every form of the public %s through', (v4) => {
    for (const [form, ip] of wrappings(v4)) expect([form, ip, isPrivateAddress(ip)]).toEqual([form, ip, false]);
  });

  it.each(IPV4_BLOCKED)('blocks every form of %s at both ends, and judges its neighbours by theirs', (_range, first, last) => {
    for (const v4 of [first, last]) for (const [form, ip] of wrappings(v4)) expect([form, ip, isPrivateAddress(ip)]).toEqual([form, ip, true]);
    for (const outside of [toNumber(first) - 1, toNumber(last) + 1].filter((n) => n >= 0 && n < 2 ** 32).map(toDotted)) {
      for (const [form, ip] of wrappings(outside)) expect([form, ip, isPrivateAddress(ip)]).toEqual([form, ip, blockedV4(outside)]);
    }
  });

  it('judges every form by the address it wraps', () => {
    fc.assert(
      fc.property(fc.ipV4(), (v4) => {
        for (const [form, ip] of wrappings(v4)) expect([form, ip, isPrivateAddress(ip)]).toEqual([form, ip, blockedV4(v4)]);
      }),
    );
  });

  // One byte off each wrapping prefix: an ordinary public address, never unwrapped, so the
  // private IPv4 in its last 32 bits must not make it private.
  it.each([
    ['1::ffff:7f00:1', 'a non-zero byte before ::ffff'],
    ['::1:0:0:ffff:7f00:1', 'a non-zero byte in the middle of the zeros'],
    ['1::ff:7f00:1', '00ff instead of ffff'],
    ['1::fffe:7f00:1', 'fffe with a non-zero prefix'],
    ['1::feff:7f00:1', 'feff with a non-zero prefix'],
    ['1::ffff:0:7f00:1', 'a translated form with a non-zero prefix'],
    ['1:0:0:0:fffe:0:7f00:1', 'fffe:0 instead of ffff:0'],
    ['1:0:0:0:feff:0:7f00:1', 'feff:0 instead of ffff:0'],
    ['::ffff:1:7f00:1', 'ffff:1 instead of ffff:0'],
    ['::ff:7f00:1', '00ff instead of ffff'],
    ['::ff00:7f00:1', 'ff00 instead of ffff'],
    ['::ff:0:7f00:1', '00ff:0 instead of ffff:0'],
    ['::ff00:0:7f00:1', 'ff00:0 instead of ffff:0'],
    ['164:ff9b::7f00:1', '0164 instead of 0064'],
    ['65:ff9b::7f00:1', '0065 instead of 0064'],
    ['64:fe9b::7f00:1', 'fe9b instead of ff9b'],
    ['64:ff9c::7f00:1', 'ff9c instead of ff9b'],
    ['64:ff9b:0:0:1::7f00:1', 'NAT64 with a non-zero middle'],
    ['2003:7f00:1::', '2003 instead of 2002'],
    ['2102:7f00:1::', '2102 instead of 2002'],
    ['2606:4700::7f00:1', 'a public address ending in 127.0.0.1'],
  ])('does not unwrap %s (%s)', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});

describe('address notation', () => {
  it.each([
    ['[::1]', true],
    ['[2606:4700:4700::1111]', false],
    ['[::ffff:8.8.8.8]', false],
    ['fe80::1%eth0', true],
    ['fe80::1%25eth0', true],
    ['2606:4700:4700::1111%eth0', false],
    ['[2606:4700:4700::1111%1]', false],
    ['::ffff:127.0.0.1%lo', true],
    ['[fe80::1]', true],
    ['[2606:4700:4700::1111', true],
    ['2606:4700:4700::1111]', true],
  ])('reads %s (brackets, zone id) as private: %s', (ip, expected) => {
    expect(isPrivateAddress(ip)).toBe(expected);
  });

  it('judges an address the same with any zone id', () => {
    const zone = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    fc.assert(fc.property(fc.oneof(fc.ipV6(), fc.ipV4()), zone, (ip, id) => isPrivateAddress(`${ip}%${id}`) === isPrivateAddress(ip)));
  });

  it.each([
    '0177.0.0.1',
    '0x7f.0.0.1',
    '2130706433',
    '0x7f000001',
    '127.1',
    '8.8.8',
    '08.8.8.8',
    'localhost',
    'example.com',
    '::ffff:1.2.3',
    '1::2::3',
    'gggg::1',
  ])('fails closed on %s, which is not an address as written', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });
});

const strict = { allowPrivateNetworks: false, allowHttp: false };

async function refusal(url: string, policy = strict, param?: string) {
  const error = await assertDeliverableUrl(url, policy, param).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`${url}: expected an AppError, got ${String(error)}`);
  return error;
}

describe('URL host forms', () => {
  // WHATWG URL normalises these to dotted quads or compressed IPv6 before the guard sees them.
  it.each([
    ['https://0177.0.0.1/hook', '127.0.0.1'],
    ['https://0x7f000001/hook', '127.0.0.1'],
    ['https://2130706433/hook', '127.0.0.1'],
    ['https://127.1/hook', '127.0.0.1'],
    ['https://0300.0250.0.1/hook', '192.168.0.1'],
    ['https://0xa9.0xfe.0xa9.0xfe/hook', '169.254.169.254'],
    ['https://[::ffff:127.0.0.1]/hook', '::ffff:7f00:1'],
    ['https://[64:ff9b::10.0.0.1]/hook', '64:ff9b::a00:1'],
    ['https://[2002:a9fe:a9fe::1]/hook', '2002:a9fe:a9fe::1'],
    ['https://[2001:0:4136:e378::1]/hook', '2001:0:4136:e378::1'],
    ['https://[fe80::1]/hook', 'fe80::1'],
  ])('refuses %s as the literal %s, without a DNS lookup', async (url, host) => {
    const error = await refusal(url);
    expect(error).toMatchObject({ code: URL_GUARD_CODES.refused, param: 'webhook.url' });
    expect(error.message).toBe(`webhook.url points at ${host}, a private or reserved address; webhooks must go to a public host.`);
  });

  it('names webhook.url unless told another param', async () => {
    expect((await refusal('https://127.0.0.1/')).param).toBe('webhook.url');
    expect((await refusal('ftp://example.com/')).message).toBe("webhook.url must be an https URL (got 'ftp:').");
    expect((await refusal('https://127.0.0.1/', strict, 'tools.0.url')).message).toMatch(/^tools\.0\.url points at 127\.0\.0\.1/);
  });

  it('refuses a name that resolves to a private address, quoting the address', async () => {
    expect((await refusal('https://localhost/hook')).message).toBe(
      "webhook.url host 'localhost' resolves to 127.0.0.1, a private or reserved address; webhooks must go to a public host.",
    );
  });

  it('answers a lookup that failed for another reason than a missing name as retryable', async () => {
    // A name longer than DNS allows: getaddrinfo fails with EINVAL, not "no such name".
    const host = 'a'.repeat(300);
    const error = await refusal(`https://${host}/hook`, { allowPrivateNetworks: true, allowHttp: true });
    expect(error).toMatchObject({ code: 'service_unavailable', status: 503, retryable: true });
    expect(error.message).toBe(`The address of webhook.url host '${host}' could not be looked up right now; try again.`);
  });
});

describe('isNameNotFound', () => {
  it('is false for anything without a DNS code', () => {
    for (const value of [null, undefined, 'ENOTFOUND', 42, {}, { code: 42 }]) expect(isNameNotFound(value)).toBe(false);
    expect(isNameNotFound({ code: 'ENOTFOUND' })).toBe(true);
  });
});

describe('createGuardedLookup at connect time', () => {
  const lookup = (hostname: string, all: boolean, allowPrivateNetworks = false) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown; family: unknown }>((resolve) =>
      createGuardedLookup({ allowPrivateNetworks })(hostname, { all }, (error, address, family) => resolve({ error, address, family })),
    );

  it('passes a DNS failure through', async () => {
    const { error } = await lookup('nothing-here.invalid', false, true);
    expect(error?.code).toBe('ENOTFOUND');
  });

  it('answers ENOTFOUND when the resolver answers no address at all', async () => {
    // dns.lookup answers an empty list, not an error, for an empty name.
    const { error } = await lookup('', false, true);
    expect(error).toMatchObject({ code: 'ENOTFOUND', message: "'' has no addresses" });
  });

  it('refuses a private answer whether one address or all were asked for', async () => {
    for (const all of [false, true]) {
      const { error } = await lookup('localhost', all);
      expect(error).toMatchObject({ code: 'EPRIVATEADDRESS' });
      expect(error?.message).toMatch(/^refused to connect to 'localhost': it resolves to (127\.0\.0\.1|::1), a private or reserved address$/);
    }
  });

  it('answers the first address and its family when one was asked for', async () => {
    const { error, address, family } = await lookup('localhost', false, true);
    expect(error).toBeNull();
    expect([
      ['127.0.0.1', 4],
      ['::1', 6],
    ]).toContainEqual([address, family]);
  });
});
