import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { pinnedGet } from './pinnedRequest.ts';
import { VideoLinkRefusedError } from './videoDownload.ts';

const maxRedirects = 5;

/** Addresses no public video host has: loopback, private, shared, link-local, unique-local, multicast, reserved. */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 127], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8], ['64:ff9b::', 96], ['2001:db8::', 32],
] as const) nonPublic.addSubnet(net, prefix, 'ipv6');

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublic.check(address, 'ipv4');
  if (family !== 6) return false;
  // An IPv4-mapped IPv6 address (::ffff:127.0.0.1) reaches the IPv4 host it embeds.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPublicAddress(mapped[1] as string);
  return !nonPublic.check(address, 'ipv6');
}

export type LookupAll = (hostname: string) => Promise<LookupAddress[]>;
const lookupAll: LookupAll = (hostname) =>
  new Promise((resolve, reject) => dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))));

/**
 * A `fetch` for video links, which come from the provider's answer and so from outside: only https
 * (or the provider's own configured origin, which the operator chose), no host that resolves to a
 * non-public address unless it is that origin, and every redirect hop checked the same way before
 * it is requested.
 */
export function createGuardedVideoFetch(opts: { trustedOrigin: string; lookup?: LookupAll }): typeof fetch {
  const trustedOrigin = new URL(opts.trustedOrigin).origin;
  const lookup = opts.lookup ?? lookupAll;

  /** The address to connect to (undefined: the trusted origin, resolved normally); throws when refused. */
  async function check(url: URL): Promise<LookupAddress | undefined> {
    if (url.origin === trustedOrigin) return undefined;
    if (url.protocol !== 'https:') throw new VideoLinkRefusedError('not https');
    if (url.username || url.password) throw new VideoLinkRefusedError('credentials in link');
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const family = isIP(host);
    let addresses: LookupAddress[];
    try {
      addresses = family ? [{ address: host, family }] : await lookup(host);
    } catch (err) {
      throw new VideoLinkRefusedError('host does not resolve', { cause: err });
    }
    // Every answer must be public: connecting picks one, and an attacker controls which.
    if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
      throw new VideoLinkRefusedError('host resolves to a non-public address');
    }
    return addresses[0];
  }

  const guardedFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = new URL(input instanceof Request ? input.url : String(input));
    for (let hop = 0; ; hop++) {
      const pinned = await check(url);
      const response = await pinnedGet(url, pinned, init?.signal);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return response;
      await response.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects) throw new VideoLinkRefusedError('too many redirects');
      url = new URL(location, url);
    }
  };
  return guardedFetch as typeof fetch;
}
