import { describe, expect, it } from 'vitest';
import { SecretCipher, UnknownSecretKeyError, UnreadableSecretError } from './secret-cipher.js';

const OLD = { id: 'old', key: Buffer.alloc(32, 1) };
const NEW = { id: 'new', key: Buffer.alloc(32, 2) };
const PLACE = 'webhook_endpoints.secret id=6f1c';
const SECRET = 'whsec_0123456789abcdefghijklmnopqrstuvwxyzABCDE';

/** Flips one bit of the ciphertext part (the last field) of a sealed value. */
function tampered(sealed: string): string {
  const fields = sealed.split(':');
  const body = Buffer.from(fields[3] ?? '', 'base64url');
  body[0] = (body[0] ?? 0) ^ 1;
  return [...fields.slice(0, 3), body.toString('base64url')].join(':');
}

describe('SecretCipher', () => {
  it('round-trips a value under the current key, with a fresh IV each time', () => {
    const cipher = new SecretCipher([NEW, OLD]);
    const first = cipher.seal(SECRET, PLACE);
    const second = cipher.seal(SECRET, PLACE);
    expect(first).toMatch(/^v1:new:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain(SECRET);
    expect(first).not.toBe(second);
    expect(cipher.open(first, PLACE)).toBe(SECRET);
    expect(cipher.open(second, PLACE)).toBe(SECRET);
    expect(cipher.state(first)).toBe('current');
  });

  it('opens values under every configured key, and tells which need rotating', () => {
    const sealedOld = new SecretCipher([OLD]).seal(SECRET, PLACE);
    const rotated = new SecretCipher([NEW, OLD]);
    expect(rotated.open(sealedOld, PLACE)).toBe(SECRET);
    expect(rotated.state(sealedOld)).toBe('other');
  });

  it('reads a legacy clear value (no v1: prefix) as it is', () => {
    const cipher = new SecretCipher([NEW]);
    expect(cipher.open('Tok3nXyZ9q', PLACE)).toBe('Tok3nXyZ9q');
    expect(cipher.state('Tok3nXyZ9q')).toBe('clear');
  });

  it('refuses a value under a key id it does not hold, naming the id and not the value', () => {
    const sealed = new SecretCipher([OLD]).seal(SECRET, PLACE);
    const error = (() => {
      try {
        new SecretCipher([NEW]).open(sealed, PLACE);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(UnknownSecretKeyError);
    expect((error as Error).message).toBe('encrypted with key id old, which SECRETS_KEYS does not hold');
  });

  it('refuses a tampered ciphertext', () => {
    const cipher = new SecretCipher([NEW]);
    expect(() => cipher.open(tampered(cipher.seal(SECRET, PLACE)), PLACE)).toThrow(UnreadableSecretError);
  });

  it('refuses a value moved to another row or column (the associated data)', () => {
    const cipher = new SecretCipher([NEW]);
    const sealed = cipher.seal(SECRET, PLACE);
    expect(() => cipher.open(sealed, 'webhook_endpoints.secret id=other')).toThrow(UnreadableSecretError);
    expect(() => cipher.open(sealed, 'pairing_codes.token cem_node_id=6f1c')).toThrow(UnreadableSecretError);
  });

  it('refuses a key id swapped in the header, even to a key it holds', () => {
    const sameKey = new SecretCipher([NEW, { id: 'alias', key: NEW.key }]);
    const sealed = sameKey.seal(SECRET, PLACE);
    expect(() => sameKey.open(sealed.replace('v1:new:', 'v1:alias:'), PLACE)).toThrow(UnreadableSecretError);
  });

  it('refuses a malformed value that claims to be encrypted', () => {
    const cipher = new SecretCipher([NEW]);
    for (const value of ['v1:', 'v1:new', 'v1:new:short:abc', `v1:new:${'A'.repeat(16)}:${'A'.repeat(22)}`]) {
      expect(() => cipher.open(value, PLACE), value).toThrow(UnreadableSecretError);
    }
  });
});
