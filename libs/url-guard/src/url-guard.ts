import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { errors } from '@voxq/errors';

/**
 * SSRF guard for client-supplied URLs (webhooks, webhook-mode tools). voxq POSTs to these
 * from inside its own network, so a URL that reaches loopback, a private range or a cloud
 * metadata endpoint would let a client probe or attack that network.
 */
export interface UrlPolicy {
  /** Allow loopback and private networks (local development, tests). */
  allowPrivateNetworks: boolean;
  /** Allow plain http (local development, tests). */
  allowHttp: boolean;
}

/** Stable codes of the guard's errors; an unresolved host may resolve later, a refused URL never will. */
export const URL_GUARD_CODES = {
  refused: 'webhook_url_refused',
  unresolved: 'webhook_url_unresolved',
} as const;

/** `code` of the connect-time refusal raised by `createGuardedLookup`. */
export const PRIVATE_ADDRESS_CODE = 'EPRIVATEADDRESS';

// IANA special-purpose registries: nothing here is a public internet host.
const IPV4_RANGES: Array<[string, number]> = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, incl. the 169.254.169.254 metadata endpoint
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. 255.255.255.255
];

const IPV6_RANGES: Array<[string, number]> = [
  ['::', 96], // unspecified, loopback (::1) and the deprecated IPv4-compatible form
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo (tunnels to an obfuscated IPv4 address)
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // SRv6 SIDs
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

/** The IPv6 prefixes whose last 32 bits are an IPv4 address: mapped, translated, NAT64. */
const IPV4_IN_LAST_32_BITS = ['::ffff:', '::ffff:0:', '64:ff9b::'];

/** `a.b.c.d` as the two IPv6 groups it makes in 6to4 (`2002:<ab>:<cd>::/48`). */
const sixToFourGroups = (ipv4: string) => {
  const [a, b, c, d] = ipv4.split('.').map(Number) as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

/**
 * Every blocked range, and each IPv6 form of every blocked IPv4 range (an IPv6 address that
 * stands for a private IPv4 address is as private as it), so one lookup judges any address.
 */
const blocked = new BlockList();
for (const [net, prefix] of IPV4_RANGES) {
  blocked.addSubnet(net, prefix, 'ipv4');
  for (const wrapping of IPV4_IN_LAST_32_BITS) blocked.addSubnet(`${wrapping}${net}`, 96 + prefix, 'ipv6');
  blocked.addSubnet(`2002:${sixToFourGroups(net)}::`, 16 + prefix, 'ipv6');
}
for (const [net, prefix] of IPV6_RANGES) blocked.addSubnet(net, prefix, 'ipv6');

/** `ip` without the brackets of a URL's IPv6 host (`[::1]`). */
const unbracketed = (ip: string) => (ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip);

/**
 * True when `ip` is not a public unicast address: loopback, private, link-local, CGNAT,
 * multicast, reserved, documentation, or an IPv6 form wrapping such an IPv4 address.
 * Anything that does not parse as an IP address counts as private (fail closed).
 */
export function isPrivateAddress(ip: string): boolean {
  const address = unbracketed(ip).replace(/%.*/, '');
  const family = isIP(address);
  if (family === 0) return true;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** DNS answers that mean the name has no address (as opposed to a resolver that failed). */
const NAME_NOT_FOUND_CODES = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

export const isNameNotFound = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && NAME_NOT_FOUND_CODES.has(String((error as { code?: unknown }).code));

const refused = (message: string, param: string) => errors.invalidRequest(message, param, URL_GUARD_CODES.refused);

/**
 * Throws an `invalid_request_error` unless `url` is an http(s) URL whose host is, and
 * resolves only to, public addresses (policy permitting). Called when a URL is submitted
 * and again before each delivery; `createGuardedLookup` repeats the check at connect time.
 */
export async function assertDeliverableUrl(url: string, policy: UrlPolicy, param = 'webhook.url'): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw refused(`${param} must be an absolute http(s) URL.`, param);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw refused(`${param} must be an https URL (got '${parsed.protocol}').`, param);
  }
  if (parsed.protocol === 'http:' && !policy.allowHttp) {
    throw refused(`${param} must use https; plain http is disabled on this server.`, param);
  }
  // WHATWG URL has already normalised odd IPv4 forms (`0x7f.1`, `2130706433`) to dotted quads.
  const host = unbracketed(parsed.hostname);
  if (isIP(host)) {
    if (!policy.allowPrivateNetworks && isPrivateAddress(host)) {
      throw refused(`${param} points at ${host}, a private or reserved address; webhooks must go to a public host.`, param);
    }
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await withinLookupLimit(dnsLookupAll(host, { all: true }), host);
  } catch (error) {
    if (isNameNotFound(error)) throw errors.invalidRequest(`${param} host '${host}' does not resolve.`, param, URL_GUARD_CODES.unresolved);
    // A resolver that timed out or failed (EAI_AGAIN, ESERVFAIL, ...) says nothing about the
    // URL: answer retryable, so a caller is not told its URL is bad and a delivery tries again.
    throw errors.unavailable(`The address of ${param} host '${host}' could not be looked up right now; try again.`, error);
  }
  const blocked = policy.allowPrivateNetworks ? undefined : addresses.find((a) => isPrivateAddress(a.address));
  if (blocked) {
    throw refused(`${param} host '${host}' resolves to ${blocked.address}, a private or reserved address; webhooks must go to a public host.`, param);
  }
}

/**
 * How long a URL check waits for the resolver. getaddrinfo has no timeout of its own (a
 * stalled resolver held API requests past 5 s); past this the lookup counts as failed, a
 * retryable 503, and its thread finishes in the background.
 */
export const LOOKUP_LIMIT_MS = 3_000;

/** `lookup`, or a rejection with code `ETIMEOUT` once `limitMs` has passed without its answer. */
export function withinLookupLimit<T>(lookup: Promise<T>, host: string, limitMs = LOOKUP_LIMIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`DNS lookup of ${host} took over ${limitMs} ms`), { code: 'ETIMEOUT' })), limitMs);
    // A pending lookup must not keep a process alive that is otherwise done.
    timer.unref();
  });
  return Promise.race([lookup, limit]).finally(() => clearTimeout(timer));
}

/**
 * A `lookup` for `http.request` that refuses private addresses when the socket connects,
 * so a DNS answer that changed after the URL was checked (DNS rebinding) cannot redirect a
 * delivery into the private network. IP-literal hosts skip `lookup`; the URL check covers them.
 */
export function createGuardedLookup(policy: Pick<UrlPolicy, 'allowPrivateNetworks'>): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      // Stryker disable next-line StringLiteral: the address passed with an error is never read
      if (error) return callback(error, '');
      const blocked = policy.allowPrivateNetworks ? undefined : addresses.find((a) => isPrivateAddress(a.address));
      if (blocked) {
        const refusal: NodeJS.ErrnoException = new Error(
          `refused to connect to '${hostname}': it resolves to ${blocked.address}, a private or reserved address`,
        );
        refusal.code = PRIVATE_ADDRESS_CODE;
        // Stryker disable next-line StringLiteral: the address passed with an error is never read
        return callback(refusal, '');
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) {
        const none = Object.assign(new Error(`'${hostname}' has no addresses`), { code: 'ENOTFOUND' });
        // Stryker disable next-line StringLiteral: the address passed with an error is never read
        return callback(none, '');
      }
      callback(null, first.address, first.family);
    });
  };
}
