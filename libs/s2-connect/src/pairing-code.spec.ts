// S2 Connect v1.0.0 "The pairing token, the node ID alias and the pairing code".
import { describe, expect, it } from 'vitest';
import { formatPairingCode, parsePairingCode, type PairingCode } from './pairing-code.js';

describe('parsePairingCode', () => {
  it.each<[string, PairingCode | undefined]>([
    ['a7kq2m-X4d9TqP2zL', { nodeIdAlias: 'a7kq2m', token: 'X4d9TqP2zL' }],
    ['X4d9', { nodeIdAlias: undefined, token: 'X4d9' }],
    ['  a7kq2m-X4d9  ', { nodeIdAlias: 'a7kq2m', token: 'X4d9' }],
    ['a-bcde', { nodeIdAlias: 'a', token: 'bcde' }],
    ['a7kq2m-X4d', undefined],
    ['X4d', undefined],
    ['-X4d9', undefined],
    ['a7kq2m-', undefined],
    ['a7-kq-X4d9', undefined],
    ['a7kq2m_X4d9', undefined],
    ['a7kq2m-X4d9!', undefined],
    ['', undefined],
  ])('%j', (text, code) => {
    expect(parsePairingCode(text)).toEqual(code);
  });

  it.each<PairingCode>([
    { nodeIdAlias: 'a7kq2m', token: 'X4d9TqP2zL' },
    { nodeIdAlias: undefined, token: 'X4d9TqP2zL' },
  ])('formats and parses back %j', (code) => {
    expect(parsePairingCode(formatPairingCode(code))).toEqual(code);
  });
});
