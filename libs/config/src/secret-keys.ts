// SECRETS_KEY or SECRETS_KEYS: the keys that encrypt the secrets the broker must read back (pairing
// tokens, webhook secrets). SECRETS_KEY is one key (`base64key`, id `default`, or `id:base64key`);
// SECRETS_KEYS a comma-separated list of `id:base64key` in which the first encrypts and the others only
// decrypt, so that a new key can be put first while values under the old one are still read until rotated.

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

/** The id of SECRETS_KEY's key when it is given without one. */
export const DEFAULT_SECRET_KEY_ID = 'default';

/**
 * The keys of SECRETS_KEY or SECRETS_KEYS (exactly one of them), or the variable at fault and why.
 */
export function secretKeysFromEnv(
  env: Readonly<Record<string, string | undefined>>,
): SecretKey[] | { variable: string; problem: string } {
  const single = env['SECRETS_KEY'];
  const list = env['SECRETS_KEYS'];
  if (single !== undefined && list !== undefined) {
    return { variable: 'SECRETS_KEY', problem: 'and SECRETS_KEYS are both set: set one (SECRETS_KEYS to rotate)' };
  }
  if (single === undefined && list === undefined) {
    return { variable: 'SECRETS_KEY', problem: 'is required (or SECRETS_KEYS, a list of id:base64key)' };
  }
  const variable = single === undefined ? 'SECRETS_KEYS' : 'SECRETS_KEY';
  const value =
    single === undefined ? (list as string) : single.includes(':') ? single : `${DEFAULT_SECRET_KEY_ID}:${single}`;
  if (single !== undefined && value.includes(','))
    return { variable, problem: 'holds one key; a list goes in SECRETS_KEYS' };
  const parsed = parseSecretKeys(value);
  return Array.isArray(parsed) ? parsed : { variable, problem: parsed.problem };
}
