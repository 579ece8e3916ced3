import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

const request = (forwardedFor: string | string[] | undefined, peer = '10.0.0.9') => ({
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  socket: { remoteAddress: peer },
});

describe('clientAddress', () => {
  it.each([
    [undefined, 0, '10.0.0.9'],
    ['203.0.113.7', 0, '10.0.0.9'],
    ['203.0.113.7', 1, '203.0.113.7'],
    ['198.51.100.1, 203.0.113.7', 1, '203.0.113.7'],
    [' 198.51.100.1 ,203.0.113.7 ', 2, '198.51.100.1'],
    [['198.51.100.1', '203.0.113.7'], 1, '203.0.113.7'],
    // Fewer entries than trusted hops: the farthest one there is.
    ['203.0.113.7', 3, '203.0.113.7'],
    [undefined, 1, '10.0.0.9'],
    ['', 1, '10.0.0.9'],
  ] as const)('X-Forwarded-For %j with %i trusted hops is %s', (header, hops, expected) => {
    expect(clientAddress(request(header as string | string[] | undefined), hops)).toBe(expected);
  });

  it('bounds what it keeps of a forged entry', () => {
    expect(clientAddress(request('x'.repeat(10_000)), 1)).toHaveLength(64);
  });
});
