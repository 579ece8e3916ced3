import type { IncomingHttpHeaders } from 'node:http';

/** What of a request says where it came from. */
export interface RequestOrigin {
  readonly headers: IncomingHttpHeaders;
  readonly socket: { readonly remoteAddress?: string | undefined };
}

/**
 * The address a request came from, for rate limits: the socket's peer, or, behind `trustedHops`
 * proxies, the entry of `X-Forwarded-For` the outermost trusted proxy appended. Entries further left
 * were written by the client and prove nothing.
 */
export function clientAddress(req: RequestOrigin, trustedHops: number): string {
  const peer = req.socket.remoteAddress ?? 'unknown';
  if (trustedHops === 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  const hops = joined
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  hops.push(peer);
  // hops[last] is our peer (the nearest proxy); each trusted proxy vouches for the entry before it.
  const index = hops.length - 1 - trustedHops;
  return (hops[Math.max(index, 0)] ?? peer).slice(0, 64);
}
