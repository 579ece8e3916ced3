// Secrets the broker must read back (pairing tokens, webhook secrets) are stored encrypted, so that a
// dump of the database alone reveals none: AES-256-GCM with a fresh 96-bit IV per value, in the text
// form `v1:<keyId>:<iv>:<ciphertext+tag>` (base64url). The associated data is that header and the
// value's place (table, column, row), so a ciphertext copied to another row or column does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretKey } from '#config';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1:([A-Za-z0-9_-]{1,32}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]{22,})$/;

/** A value is encrypted with a key the configuration does not hold. Carries the key id, never the value. */
export class UnknownSecretKeyError extends Error {
  override readonly name = 'UnknownSecretKeyError';

  constructor(readonly keyId: string) {
    super(`encrypted with key id ${keyId}, which SECRETS_KEYS does not hold`);
  }
}

/** A value that says it is encrypted but does not open: malformed, tampered with, or moved from elsewhere. */
export class UnreadableSecretError extends Error {
  override readonly name = 'UnreadableSecretError';

  constructor(reason: string) {
    super(`the encrypted value ${reason}`);
  }
}

/**
 * What a stored value is: `clear` for one written before encryption at rest (no `v1:` prefix), else
 * encrypted under the current key or another one.
 */
export type StoredSecretState = 'clear' | 'current' | 'other';

export class SecretCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: SecretKey;

  /** `keys[0]` encrypts; every key decrypts. */
  constructor(keys: readonly SecretKey[]) {
    const [current] = keys;
    if (current === undefined) throw new Error('SecretCipher needs at least one key');
    this.current = current;
    this.keys = new Map(keys.map(({ id, key }) => [id, key]));
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /** Encrypts `plain` under the current key, bound to `place` (where the value is stored). */
  seal(plain: string, place: string): string {
    const header = `${VERSION}:${this.current.id}`;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(associatedData(header, place));
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${header}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
  }

  /** The plain value of `stored` (a legacy clear value as it is); throws when it does not open at `place`. */
  open(stored: string, place: string): string {
    if (!isSealed(stored)) return stored;
    const match = SEALED.exec(stored);
    if (match === null) throw new UnreadableSecretError('is malformed');
    const [, keyId = '', iv = '', body = ''] = match;
    const key = this.keys.get(keyId);
    if (key === undefined) throw new UnknownSecretKeyError(keyId);
    const sealed = Buffer.from(body, 'base64url');
    if (sealed.length < TAG_BYTES) throw new UnreadableSecretError('is malformed');
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(`${VERSION}:${keyId}`, place));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new UnreadableSecretError('does not open: tampered with, or not stored in this place');
    }
  }

  state(stored: string): StoredSecretState {
    if (!isSealed(stored)) return 'clear';
    return SEALED.exec(stored)?.[1] === this.current.id ? 'current' : 'other';
  }
}

// A clear value written before encryption at rest never starts so: pairing tokens are letters and
// digits, generated webhook secrets start `whsec_`.
function isSealed(stored: string): boolean {
  return stored.startsWith(`${VERSION}:`);
}

function associatedData(header: string, place: string): Buffer {
  return Buffer.from(`${header}\n${place}`, 'utf8');
}
