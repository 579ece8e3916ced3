// The pairing URL a tenant gives for an RM endpoint. The broker calls it from inside the operator's
// network, so it is held to what S2 Connect allows a WAN endpoint: https, named by a DNS name.
import { isIP } from 'node:net';

export type PairingUrlCheck = { ok: true; url: string } | { ok: false; problem: string };

/** The URL with the trailing slash the specification's base URLs have, or what is wrong with it. */
export function checkPairingUrl(text: string, allowHttp: boolean): PairingUrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, problem: 'must be a URL' };
  }
  if (url.protocol !== 'https:' && !(allowHttp && url.protocol === 'http:')) {
    return { ok: false, problem: allowHttp ? 'must be an https:// or http:// URL' : 'must be an https:// URL' };
  }
  if (url.username !== '' || url.password !== '') return { ok: false, problem: 'must not hold credentials' };
  if (url.search !== '' || url.hash !== '') return { ok: false, problem: 'must not have a query or fragment' };
  // D of the HMAC is the endpoint's domain name; an address literal is not one (and is how internal
  // services are usually reached).
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return { ok: false, problem: 'must name the endpoint by its DNS name, not an IP address' };
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return { ok: true, url: url.toString() };
}
