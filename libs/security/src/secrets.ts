// Every secret the broker makes or checks goes through here: generated with a CSPRNG, compared in
// constant time, and stored only as a hash where the broker just has to verify it.
import { createHash, randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;

/** `bytes` random bytes, Base64 (standard alphabet, as S2 Connect's `format: byte` fields are). */
export function randomBase64(bytes: number): string {
  return randomBytes(bytes).toString('base64');
}

/** `bytes` random bytes, base64url: for tokens that travel in URLs or headers of our own API. */
export function randomBase64Url(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

/** A string of `length` characters drawn uniformly from `alphabet` (no modulo bias). */
export function randomString(length: number, alphabet: string): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * SHA-256 of a high-entropy token (32+ random bytes), hex. A fast hash is enough for those: they
 * cannot be guessed, so there is nothing for a slow hash to protect.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  // Compare against itself when lengths differ, so the time does not reveal where they differ.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

interface ScryptParameters {
  N: number;
  r: number;
  p: number;
  keylen: number;
}

const SCRYPT: ScryptParameters = { N: 16384, r: 8, p: 1, keylen: 32 };

/** People choose passwords, so they get more memory and a longer key than generated client secrets. */
const PASSWORD_SCRYPT: ScryptParameters = { N: 32768, r: 8, p: 1, keylen: 64 };

// scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) is just below what N = 2^15 takes.
const maxmemOf = (N: number, r: number) => 256 * N * r;

async function scryptEncoded(secret: string, { N, r, p, keylen }: ScryptParameters): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt, keylen, { N, r, p, maxmem: maxmemOf(N, r) });
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/**
 * A slow, salted hash for secrets a person or a deployment may choose or copy around (client secrets),
 * in the self-describing form `scrypt$N$r$p$salt$hash`.
 */
export function hashSecret(secret: string): Promise<string> {
  return scryptEncoded(secret, SCRYPT);
}

/** A console user's password, in the same form; `verifySecret` checks it, whatever parameters it has. */
export function hashPassword(password: string): Promise<string> {
  return scryptEncoded(password, PASSWORD_SCRYPT);
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: maxmemOf(Number(n), Number(r)),
  });
  return timingSafeEqual(actual, expected);
}
