import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Where a webhook may be sent. Its URL is http(s), carries no credentials, and — unless private
 * addresses are allowed (WEBHOOK_ALLOW_PRIVATE_URLS, for tests and closed networks) — names no
 * loopback, private, link-local or otherwise internal address, neither as written nor as its
 * host name resolves when a delivery is sent (so a name pointed at an internal address later is
 * refused then).
 */
const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  internal.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible
  ['64:ff9b::', 96], // NAT64
  ['64:ff9b:1::', 48],
  ['2002::', 16], // 6to4
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  internal.addSubnet(net, prefix, 'ipv6');
}

/** Whether an IP address (v4 or v6, a v4-mapped v6 as its v4) is internal. */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return internal.check(mapped[1]!, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return internal.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** What is wrong with a webhook URL as written (undefined: nothing). */
export function webhookUrlProblem(raw: string, { allowPrivate }: { allowPrivate: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must be http or https, not ${url.protocol.replace(/:$/, '')}`;
  if (url.username || url.password) return 'must not carry credentials (put them nowhere: the signature authenticates offerflow)';
  if (url.hash) return 'must not have a fragment';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not name this machine (localhost)';
  if (isInternalAddress(host)) return `must not be a loopback, private or link-local address (${host})`;
  return undefined;
}

/** A `lookup` for http(s).request that refuses internal addresses (checked as connected, not only as written). */
export function guardedLookup({ allowPrivate }: { allowPrivate: boolean }): LookupFunction | undefined {
  if (allowPrivate) return undefined;
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0);
      const bad = addresses.find((a) => isInternalAddress(a.address));
      // (which address is not said: the delivery log must not map an internal network for whoever registers names)
      if (bad) return callback(Object.assign(new Error(`${hostname} resolves to an internal address`), { code: 'EINTERNALADDRESS' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
