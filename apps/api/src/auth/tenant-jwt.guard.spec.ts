import { describe, expect, it } from 'vitest';
import { AccessTokenInvalidError } from '../errors/api-error.js';
import { TenantJwtGuard } from './tenant-jwt.guard.js';

const principal = { tenantId: 't', serviceAccountId: 's' };

describe('TenantJwtGuard.handleRequest', () => {
  const guard = new TenantJwtGuard();

  it('passes the principal on', () => {
    expect(guard.handleRequest(null, principal)).toBe(principal);
  });

  it('answers a refused or missing token with 401', () => {
    expect(() => guard.handleRequest(null, false)).toThrow(AccessTokenInvalidError);
    expect(() => guard.handleRequest(new AccessTokenInvalidError(), null)).toThrow(AccessTokenInvalidError);
  });

  it('lets a failure of the broker through, to become a 500', () => {
    const failure = new Error('database unreachable');
    expect(() => guard.handleRequest(failure, null)).toThrow(failure);
  });
});
