// RFC 6750 section 2.1: credentials = "Bearer" 1*SP b64token, the scheme case-insensitive (RFC 9110
// section 11.1). Every endpoint that takes a bearer token reads it here, so that a header one of them
// accepts is never refused by another.
const BEARER = /^bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined for any other header. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** Whether a value can travel as a bearer token (RFC 6750's b64token characters). */
export function isBearerTokenValue(value: string): boolean {
  return BEARER.test(`Bearer ${value}`);
}
