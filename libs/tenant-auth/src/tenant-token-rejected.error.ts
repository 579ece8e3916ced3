/**
 * A tenant JWT that may not call: bad signature or claims, expired, or its account or tenant no longer
 * active. Each edge answers it in its own terms (401 on the API and on the CEM channel's upgrade); any
 * other error from verification is the broker's own failure, not the caller's.
 */
export class TenantTokenRejectedError extends Error {
  constructor() {
    super('missing, invalid or expired access token');
    this.name = 'TenantTokenRejectedError';
  }
}
