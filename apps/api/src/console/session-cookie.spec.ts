import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sessionCookieOf } from './session-cookie.js';

const TOKEN = 'aB3_-'.repeat(8) + 'xyz';
const request = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } }) as IncomingMessage;

describe('sessionCookieOf', () => {
  it.each([
    ['alone', `__Host-s2b_session=${TOKEN}`],
    ['among others, with spaces', `theme=dark;  __Host-s2b_session=${TOKEN} ; lang=nl`],
  ])('finds the token %s', (_case, header) => {
    expect(sessionCookieOf(request(header))).toBe(TOKEN);
  });

  it.each([
    ['no cookie header', undefined],
    ['another cookie only', 'theme=dark'],
    ['the name without the __Host- prefix', `s2b_session=${TOKEN}`],
    ['a value that is not base64url', '__Host-s2b_session=abc%20def;ghijklmnopqrstuvwxyz'],
    ['a value too short to be ours', '__Host-s2b_session=short'],
  ])('finds none with %s', (_case, header) => {
    expect(sessionCookieOf(request(header))).toBeUndefined();
  });
});
