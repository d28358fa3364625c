import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Longest endpoint URL accepted. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Refused whatever WEBHOOK_ALLOW_PRIVATE says: link-local, cloud metadata, non-unicast. */
const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, incl. 169.254.169.254 metadata
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_REFUSED.addSubnet('240.0.0.0', 4, 'ipv4'); // reserved, broadcast
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6'); // link-local
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6'); // multicast

/** Loopback and private networks: allowed only with WEBHOOK_ALLOW_PRIVATE (development, tests). */
const PRIVATE = new BlockList();
PRIVATE.addSubnet('0.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('10.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('100.64.0.0', 10, 'ipv4'); // carrier-grade NAT
PRIVATE.addSubnet('127.0.0.0', 8, 'ipv4');
PRIVATE.addSubnet('172.16.0.0', 12, 'ipv4');
PRIVATE.addSubnet('192.168.0.0', 16, 'ipv4');
PRIVATE.addAddress('::', 'ipv6');
PRIVATE.addAddress('::1', 'ipv6');
PRIVATE.addSubnet('fc00::', 7, 'ipv6'); // unique local

export type AddressVerdict = 'public' | 'private' | 'forbidden';

/** How an IP address is treated; an IPv4-mapped IPv6 address is judged as its IPv4 address. */
export function classifyAddress(address: string): AddressVerdict {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1] : address;
  const family = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (ALWAYS_REFUSED.check(ip, family)) return 'forbidden';
  if (PRIVATE.check(ip, family)) return 'private';
  return 'public';
}

/** A URL an endpoint may not use; `message` names the reason (answered as a 400). */
export class UnsafeWebhookUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWebhookUrlError';
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface UrlPolicyOptions {
  allowPrivate: boolean;
  /** DNS resolution (all addresses); injectable for tests. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

const resolveAll = async (hostname: string): Promise<ResolvedAddress[]> =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/** The URL's form: absolute http(s), no credentials, not too long. Returns it parsed. */
export function parseWebhookUrl(raw: string): URL {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) {
    throw new UnsafeWebhookUrlError(`url must be at most ${MAX_WEBHOOK_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeWebhookUrlError('url must be an absolute http or https URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UnsafeWebhookUrlError('url must use https or http');
  }
  if (url.username || url.password) {
    throw new UnsafeWebhookUrlError('url must not carry a user name or password');
  }
  if (!url.hostname) throw new UnsafeWebhookUrlError('url must name a host');
  return url;
}

/**
 * Resolves the URL's host and checks every address it resolves to: one forbidden or (without
 * allowPrivate) private address refuses the URL. Returns the checked addresses, which the
 * deliverer connects to (so a DNS answer changed in between cannot redirect it).
 */
export async function resolveWebhookUrl(
  raw: string,
  options: UrlPolicyOptions,
): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
  const url = parseWebhookUrl(raw);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: ResolvedAddress[];
  if (isIP(host)) {
    addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }];
  } else {
    try {
      addresses = await (options.resolve ?? resolveAll)(host);
    } catch {
      throw new UnsafeWebhookUrlError(`url host ${host} does not resolve`);
    }
    if (!addresses.length) throw new UnsafeWebhookUrlError(`url host ${host} does not resolve`);
  }
  for (const { address } of addresses) {
    const verdict = classifyAddress(address);
    if (verdict === 'forbidden') {
      throw new UnsafeWebhookUrlError(
        `url host ${host} resolves to ${address}, a link-local or metadata address: refused`,
      );
    }
    if (verdict === 'private' && !options.allowPrivate) {
      throw new UnsafeWebhookUrlError(
        `url host ${host} resolves to ${address}, a loopback or private address: refused`,
      );
    }
  }
  return { url, addresses };
}
