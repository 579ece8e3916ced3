// S2 Connect v1.0.0 "Challenge response process": R = HMAC(C, T || D), C at least 32 bytes of Base64.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  challengeResponse,
  decodeBase64,
  domainOf,
  isAcceptableChallenge,
  newChallenge,
  verifyChallengeResponse,
} from './challenge.js';

const C = Buffer.alloc(32, 7).toString('base64');

describe('isAcceptableChallenge', () => {
  it.each<[string, string, boolean]>([
    ['32 bytes', Buffer.alloc(32).toString('base64'), true],
    ['64 bytes', Buffer.alloc(64).toString('base64'), true],
    ['31 bytes', Buffer.alloc(31).toString('base64'), false],
    ['empty', '', false],
    ['base64url, not Base64', Buffer.alloc(32, 0xfb).toString('base64url'), false],
    ['missing padding', Buffer.alloc(32).toString('base64').replace(/=+$/, ''), false],
    [
      'junk inside',
      `${Buffer.alloc(32).toString('base64').slice(0, 20)}!${Buffer.alloc(32).toString('base64').slice(21)}`,
      false,
    ],
    ['a fresh challenge', newChallenge(), true],
  ])('%s: %s', (_name, challenge, ok) => {
    expect(isAcceptableChallenge(challenge)).toBe(ok);
  });
});

describe('decodeBase64', () => {
  it.each<[string, number | undefined]>([
    ['AAAA', 3],
    ['AA==', 1],
    ['AAA=', 2],
    ['', 0],
    ['A', undefined],
    ['AA=A', undefined],
    ['AA AA', undefined],
  ])('%j: %j bytes', (text, bytes) => {
    expect(decodeBase64(text)?.length).toBe(bytes);
  });
});

describe('domainOf: D is the host name, without scheme, port or path', () => {
  it.each([
    ['https://s2.example.com/pairing/', 's2.example.com'],
    ['https://s2.example.com:8443/pairing/', 's2.example.com'],
    ['http://localhost:3000/', 'localhost'],
    ['https://S2.Example.COM/', 's2.example.com'],
  ])('%s: %s', (url, domain) => {
    expect(domainOf(url)).toBe(domain);
  });
});

describe('challengeResponse and verifyChallengeResponse', () => {
  const R = challengeResponse(C, 'Tok3n', 's2.example.com');

  it('is HMAC-SHA256 keyed with the challenge bytes over the token then the domain', () => {
    const expected = createHmac('sha256', Buffer.from(C, 'base64')).update('Tok3ns2.example.com').digest('base64');
    expect(R).toBe(expected);
  });

  it.each<[string, string, string, string, boolean]>([
    ['the right token and domain', C, 'Tok3n', 's2.example.com', true],
    ['another token', C, 'Tok3m', 's2.example.com', false],
    ['another domain', C, 'Tok3n', 's3.example.com', false],
    ['another challenge', Buffer.alloc(32, 8).toString('base64'), 'Tok3n', 's2.example.com', false],
  ])('%s: %s', (_name, challenge, token, domain, ok) => {
    expect(verifyChallengeResponse(challenge, token, domain, R)).toBe(ok);
  });

  it.each([
    ['not Base64', '!!!'],
    ['truncated', R.slice(0, 20)],
    ['empty', ''],
  ])('refuses a response that is %s', (_name, response) => {
    expect(verifyChallengeResponse(C, 'Tok3n', 's2.example.com', response)).toBe(false);
  });

  it('refuses to compute with a challenge that is not Base64', () => {
    expect(() => challengeResponse('!!!', 'Tok3n', 'd')).toThrow(TypeError);
  });
});
