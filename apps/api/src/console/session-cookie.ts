import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * `__Host-`: browsers take it only when Secure, from a secure origin (loopback counts), with Path=/ and
 * no Domain, so no other host or path can set or shadow it.
 */
export const SESSION_COOKIE = '__Host-s2b_session';

export const CSRF_HEADER = 'x-csrf-token';

/** The absolute lifetime of a console session; it also ends after `SESSION_IDLE_MS` without a request. */
export const SESSION_LIFETIME_MS = 7 * 24 * 3600 * 1000;
export const SESSION_IDLE_MS = 12 * 3600 * 1000;

const ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';

/** The cookie's token in the request, when it has one that could be ours (base64url). */
export function sessionCookieOf(req: IncomingMessage): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== SESSION_COOKIE) continue;
    const value = part.slice(separator + 1).trim();
    return /^[A-Za-z0-9_-]{16,128}$/.test(value) ? value : undefined;
  }
  return undefined;
}

export function setSessionCookie(res: ServerResponse, token: string): void {
  res.setHeader('set-cookie', `${SESSION_COOKIE}=${token}; ${ATTRIBUTES}; Max-Age=${SESSION_LIFETIME_MS / 1000}`);
}

export function clearSessionCookie(res: ServerResponse): void {
  res.setHeader('set-cookie', `${SESSION_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`);
}

/** Requests that change nothing: the only ones a cookie may authenticate without the CSRF header. */
export function isSafeMethod(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}
