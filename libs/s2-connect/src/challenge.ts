// The challenge-response of S2 Connect pairing: R = HMAC(C, T || D) for a WAN pairing server, where C is
// the challenge (binary), T the pairing token and D the server's domain name (both ASCII).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const MIN_CHALLENGE_BYTES = 32;

/** The hashing algorithms this implementation accepts for the HMAC, best first. */
export const HMAC_HASHING_ALGORITHMS = ['SHA256'] as const;
export type HmacHashingAlgorithmName = (typeof HMAC_HASHING_ALGORITHMS)[number];

export function newChallenge(): string {
  return randomBytes(MIN_CHALLENGE_BYTES).toString('base64');
}

/** Standard Base64 with padding, as `format: byte` means; Buffer.from would silently skip junk. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function decodeBase64(text: string): Buffer | undefined {
  return BASE64.test(text) ? Buffer.from(text, 'base64') : undefined;
}

/** Whether a peer's challenge is Base64 of at least 32 bytes, as the specification requires. */
export function isAcceptableChallenge(challenge: string): boolean {
  const bytes = decodeBase64(challenge);
  return bytes !== undefined && bytes.length >= MIN_CHALLENGE_BYTES;
}

/** The domain name D: the host of a URL, without scheme, port or path. */
export function domainOf(url: string): string {
  return new URL(url).hostname;
}

/** R for a WAN pairing server, Base64. */
export function challengeResponse(challenge: string, token: string, domain: string): string {
  const key = decodeBase64(challenge);
  if (key === undefined) throw new TypeError('challenge is not Base64');
  return createHmac('sha256', key)
    .update(Buffer.from(token + domain, 'ascii'))
    .digest('base64');
}

/** Checks a peer's response to our challenge, in constant time. */
export function verifyChallengeResponse(challenge: string, token: string, domain: string, response: string): boolean {
  const received = decodeBase64(response);
  const expected = Buffer.from(challengeResponse(challenge, token, domain), 'base64');
  return received !== undefined && received.length === expected.length && timingSafeEqual(received, expected);
}
