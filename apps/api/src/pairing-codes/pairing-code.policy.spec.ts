import { describe, expect, it } from 'vitest';
import { expiryOf, pairingUrlOf } from './pairing-code.policy.js';

describe('pairingUrlOf', () => {
  it.each([
    ['https://s2.example.com', 'https://s2.example.com/pairing/'],
    ['https://s2.example.com/', 'https://s2.example.com/pairing/'],
    ['https://s2.example.com/broker', 'https://s2.example.com/broker/pairing/'],
    ['http://localhost:8080//', 'http://localhost:8080/pairing/'],
  ])('%s -> %s', (publicUrl, pairingUrl) => {
    expect(pairingUrlOf(publicUrl)).toBe(pairingUrl);
  });
});

describe('expiryOf', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');

  it('adds the ttl', () => {
    expect(expiryOf(300, now)).toEqual(new Date('2026-01-01T00:05:00.000Z'));
  });
});
