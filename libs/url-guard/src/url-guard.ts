import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup as dnsLookupAll } from 'node:dns/promises';
import { BlockList, isIP, isIPv4, type LookupFunction } from 'node:net';
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

const ipv4Blocked = new BlockList();
for (const [net, prefix] of IPV4_RANGES) ipv4Blocked.addSubnet(net, prefix, 'ipv4');
const ipv6Blocked = new BlockList();
for (const [net, prefix] of IPV6_RANGES) ipv6Blocked.addSubnet(net, prefix, 'ipv6');

/**
 * The 16 bytes of an IPv6 address (zone id already stripped), or null if it is not one.
 * `isPrivateAddress` passes it only what `isIP()` accepted as IPv6, so its own checks never
 * fire there (each marked as an equivalent mutant): they stay so that it fails closed on its own.
 */
function ipv6Bytes(ip: string): number[] | null {
  let text = ip;
  const tail: number[] = [];
  const lastColon = ip.lastIndexOf(':');
  const dotted = ip.slice(lastColon + 1);
  if (dotted.includes('.')) {
    // Stryker disable next-line ConditionalExpression: isIP() accepted the address, so its dotted tail is a valid IPv4 address
    if (!isIPv4(dotted)) return null;
    tail.push(...dotted.split('.').map(Number));
    text = `${ip.slice(0, lastColon + 1)}0:0`; // placeholder groups, replaced by the dotted bytes below
  }
  const halves = text.split('::');
  // Stryker disable next-line ConditionalExpression: isIP() accepted the address, so it has at most one `::`
  if (halves.length > 2) return null;
  const groups = (part: string | undefined) => (part ? part.split(':') : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  const missing = 8 - head.length - rest.length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: isIP() accepted the address, so its groups number 8, or fewer around a `::`
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  // Stryker disable next-line ConditionalExpression: without a `::` nothing is missing (checked above), so filling `missing` zeros adds none
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const group of all) {
    // Stryker disable next-line ConditionalExpression,Regex: isIP() accepted the address, so every group is 1 to 4 hex digits
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return null;
    const value = parseInt(group, 16);
    bytes.push(value >> 8, value & 0xff);
  }
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** `ip` without the brackets of a URL's IPv6 host (`[::1]`). */
const unbracketed = (ip: string) => (ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip);

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), if any. */
function embeddedIPv4(bytes: number[]): string | null {
  const zero = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const quad = (at: number) => bytes.slice(at, at + 4).join('.');
  if (zero(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) return quad(12); // ::ffff:a.b.c.d
  if (zero(0, 8) && bytes[8] === 0xff && bytes[9] === 0xff && zero(10, 12)) return quad(12); // ::ffff:0:a.b.c.d
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b && zero(4, 12)) return quad(12); // 64:ff9b::/96
  if (bytes[0] === 0x20 && bytes[1] === 0x02) return quad(2); // 2002:aabb:ccdd::/48
  return null;
}

/**
 * True when `ip` is not a public unicast address: loopback, private, link-local, CGNAT,
 * multicast, reserved, documentation, or an IPv6 form wrapping such an IPv4 address.
 * Anything that does not parse as an IP address counts as private (fail closed).
 */
export function isPrivateAddress(ip: string): boolean {
  const address = unbracketed(ip).replace(/%.*/, '');
  if (isIPv4(address)) return ipv4Blocked.check(address, 'ipv4');
  // Stryker disable next-line ConditionalExpression: ipv6Bytes refuses (null, so true below) whatever isIP() refuses
  if (isIP(address) !== 6) return true;
  const bytes = ipv6Bytes(address);
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: isIP() accepted the address, so ipv6Bytes never returns null here
  if (!bytes) return true;
  const v4 = embeddedIPv4(bytes);
  if (v4 !== null) return ipv4Blocked.check(v4, 'ipv4');
  return ipv6Blocked.check(address, 'ipv6');
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
    addresses = await dnsLookupAll(host, { all: true });
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
