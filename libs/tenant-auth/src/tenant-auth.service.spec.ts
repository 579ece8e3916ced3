import { JwtService } from '@nestjs/jwt';
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Clock, type ServiceAccountRepository } from '#store';
import { TenantTokenRejectedError } from './tenant-token-rejected.error.js';
import { TenantAuthService } from './tenant-auth.service.js';
import { TENANT_JWT_ALGORITHM, TENANT_JWT_AUDIENCE, TENANT_JWT_ISSUER } from './tenant-principal.js';

const SECRET = 'jwt-secret-0123456789abcdefghijklmnopqrstu';
const TENANT = '0b6f7c5e-1d2a-4f3b-9c8d-7e6f5a4b3c2d';
const ACCOUNT = '1c7a8d6f-2e3b-4a4c-8d9e-8f7a6b5c4d3e';

// The same options TenantAuthModule registers.
const jwt = new JwtService({
  secret: SECRET,
  signOptions: {
    algorithm: TENANT_JWT_ALGORITHM,
    issuer: TENANT_JWT_ISSUER,
    audience: TENANT_JWT_AUDIENCE,
    expiresIn: 900,
  },
  verifyOptions: { algorithms: [TENANT_JWT_ALGORITHM], issuer: TENANT_JWT_ISSUER, audience: TENANT_JWT_AUDIENCE },
});

function service(active = true): TenantAuthService {
  const accounts = {
    isActive: (tenantId: string, id: string) => Promise.resolve(active && tenantId === TENANT && id === ACCOUNT),
  } as ServiceAccountRepository;
  return new TenantAuthService(jwt, accounts, { jwtTtlSeconds: 900 }, new Clock());
}

/** A token signed by hand, to try what the broker itself never issues. */
function handMade(header: object, payload: object, secret = SECRET): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const body = `${encode(header)}.${encode(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

const now = () => Math.floor(Date.now() / 1000);
const good = { sub: ACCOUNT, tid: TENANT, iss: TENANT_JWT_ISSUER, aud: TENANT_JWT_AUDIENCE };

describe('TenantAuthService', () => {
  it('issues a JWT that verifies to its principal, with the registered claims', async () => {
    const auth = service();
    const token = await auth.issueTenantJwt({ tenantId: TENANT, serviceAccountId: ACCOUNT });
    expect(await auth.verifyTenantJwt(token)).toEqual({ tenantId: TENANT, serviceAccountId: ACCOUNT });
    const claims = jwt.decode<Record<string, unknown>>(token);
    expect(claims).toMatchObject({ sub: ACCOUNT, tid: TENANT, iss: 's2-broker', aud: 's2-broker/api' });
    expect(Number(claims.exp) - Number(claims.iat)).toBe(900);
  });

  it.each([
    ['a foreign signature', handMade({ alg: 'HS256' }, { ...good, exp: now() + 60 }, `${SECRET}x`)],
    ['an expired token', handMade({ alg: 'HS256' }, { ...good, exp: now() - 1 })],
    ['another audience', handMade({ alg: 'HS256' }, { ...good, aud: 'other', exp: now() + 60 })],
    ['another issuer', handMade({ alg: 'HS256' }, { ...good, iss: 'other', exp: now() + 60 })],
    ['another algorithm', handMade({ alg: 'HS512' }, { ...good, exp: now() + 60 })],
    [
      'alg none',
      `${handMade({ alg: 'none' }, { ...good, exp: now() + 60 })
        .split('.')
        .slice(0, 2)
        .join('.')}.`,
    ],
    ['claims that are not ours', handMade({ alg: 'HS256' }, { ...good, sub: 'not-a-uuid', exp: now() + 60 })],
    ['garbage', 'not.a.jwt'],
    ['a token without exp (one that would never expire)', handMade({ alg: 'HS256' }, { ...good, iat: now() })],
    ['a token without iat', handMade({ alg: 'HS256' }, { ...good, exp: now() + 60 })],
    ['a token issued in the future', handMade({ alg: 'HS256' }, { ...good, iat: now() + 3600, exp: now() + 3900 })],
    [
      'a token living longer than the broker issues them',
      handMade({ alg: 'HS256' }, { ...good, iat: now() - 10, exp: now() + 86_400 }),
    ],
  ])('refuses %s', async (_case, token) => {
    await expect(service().verifyTenantJwt(token)).rejects.toBeInstanceOf(TenantTokenRejectedError);
  });

  it('refuses a valid token of an account that may no longer call', async () => {
    const token = await service().issueTenantJwt({ tenantId: TENANT, serviceAccountId: ACCOUNT });
    await expect(service(false).verifyTenantJwt(token)).rejects.toBeInstanceOf(TenantTokenRejectedError);
  });
});
