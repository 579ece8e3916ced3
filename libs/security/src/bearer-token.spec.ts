import { describe, expect, it } from 'vitest';
import { bearerToken, isBearerTokenValue } from './bearer-token.js';

describe('bearerToken (RFC 6750 section 2.1)', () => {
  it.each([
    // the scheme, case-insensitive
    ['Bearer abc', 'abc'],
    ['bearer abc', 'abc'],
    ['BEARER abc', 'abc'],
    ['bEaReR abc', 'abc'],
    // one or more spaces between scheme and token
    ['Bearer  abc', 'abc'],
    ['Bearer     abc', 'abc'],
    // every b64token character, and trailing '='
    ['Bearer AZaz09-._~+/', 'AZaz09-._~+/'],
    ['Bearer abc==', 'abc=='],
    ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    // no token, or not only a token
    ['Bearer', undefined],
    ['Bearer ', undefined],
    ['Bearer a b', undefined],
    ['Bearer abc ', undefined],
    [' Bearer abc', undefined],
    ['Bearerabc', undefined],
    // whitespace other than SP is not 1*SP
    ['Bearer\tabc', undefined],
    ['Bearer\nabc', undefined],
    ['Bearer abc\n', undefined],
    // characters outside b64token, '=' only at the end
    ['Bearer a=b', undefined],
    ['Bearer =abc', undefined],
    ['Bearer a,b', undefined],
    ['Bearer a"b', undefined],
    ['Bearer ab!', undefined],
    ['Bearer äbc', undefined],
    // other schemes and nothing
    ['Basic abc', undefined],
    ['Token abc', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %j as %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});

describe('isBearerTokenValue', () => {
  it.each([
    ['test-operator-token-0123456789abcdefghijkl', true],
    ['abc==', true],
    ['has space', false],
    ['semi;colon', false],
    ['', false],
  ])('%j: %j', (value, ok) => {
    expect(isBearerTokenValue(value)).toBe(ok);
  });
});
