// SECRETS_KEYS: the keys that encrypt the secrets the broker must read back (pairing tokens, webhook
// secrets). A comma-separated list of `id:base64key`; the first encrypts, the others only decrypt, so
// that a new key can be put first while values under the old one are still read until rotated.
import { z } from 'zod';

/** An AES-256 key and the id stored beside every value it encrypts. */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

export const SECRET_KEY_BYTES = 32;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
// Standard or URL alphabet, padding optional: what `openssl rand -base64 32` and Node's base64url print.
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The keys of a SECRETS_KEYS value, or the problem with it. A problem names the entry by its position
 * (and its id, which is not secret), never by its key.
 */
export function parseSecretKeys(value: string): SecretKey[] | { problem: string } {
  const entries = value.split(',').map((entry) => entry.trim());
  const keys: SecretKey[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}`;
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const encoded = colon < 0 ? '' : entry.slice(colon + 1);
    if (!KEY_ID.test(id)) {
      return { problem: `${where} must be id:base64key with an id of 1 to 32 letters, digits, "_" or "-"` };
    }
    const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (key.length !== SECRET_KEY_BYTES) {
      return { problem: `${where} (key id ${id}) must hold a base64 key of exactly ${SECRET_KEY_BYTES} bytes` };
    }
    if (keys.some((known) => known.id === id)) return { problem: `names key id ${id} twice` };
    keys.push({ id, key });
  }
  return keys;
}

export const secretKeysSchema = z.string({ error: 'is required' }).transform((value, ctx): SecretKey[] => {
  const parsed = parseSecretKeys(value);
  if (Array.isArray(parsed)) return parsed;
  ctx.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});
