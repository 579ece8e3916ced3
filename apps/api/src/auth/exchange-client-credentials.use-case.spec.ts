import { describe, expect, it } from 'vitest';
import type { Config } from '#config';
import type { SecretHasher } from '#security';
import type { Clock, ServiceAccountCredentials, ServiceAccountRepository } from '#store';
import { ClientCredentialsInvalidError } from '../errors/api-error.js';
import { ExchangeClientCredentials } from './exchange-client-credentials.use-case.js';
import { unlimitedRateLimits } from '../rate-limit/testing.js';
import type { TenantAuthService, TenantPrincipal } from '#tenant-auth';

const account: ServiceAccountCredentials = {
  id: 'sa-1',
  tenantId: 't-1',
  secretHash: 'hash(right)',
  revokedAt: null,
  tenantStatus: 'active',
};

function setup(found: ServiceAccountCredentials | null) {
  const verified: string[] = [];
  const used: unknown[] = [];
  const accounts = {
    findByClientId: (clientId: string) => Promise.resolve(clientId === 'sa_known' ? found : null),
    markUsed: (...args: unknown[]) => {
      used.push(args);
      return Promise.resolve();
    },
  } as ServiceAccountRepository;
  const hasher = {
    verify: (secret: string, stored: string) => {
      verified.push(stored);
      return Promise.resolve(stored === `hash(${secret})`);
    },
    verifyNothing: (_secret: string): Promise<false> => {
      verified.push('decoy');
      return Promise.resolve(false);
    },
  } as SecretHasher;
  const auth = {
    issueTenantJwt: (principal: TenantPrincipal) =>
      Promise.resolve(`jwt(${principal.tenantId},${principal.serviceAccountId})`),
  } as TenantAuthService;
  const clock = { now: () => new Date(0) } as Clock;
  const useCase = new ExchangeClientCredentials(
    { jwtTtlSeconds: 900 } as Config,
    accounts,
    hasher,
    auth,
    clock,
    unlimitedRateLimits(),
  );
  return { useCase, verified, used };
}

describe('ExchangeClientCredentials', () => {
  it('grants a JWT for the right secret', async () => {
    const { useCase, used } = setup(account);
    expect(await useCase.execute({ clientId: 'sa_known', clientSecret: 'right' }, '192.0.2.1')).toEqual({
      accessToken: 'jwt(t-1,sa-1)',
      tokenType: 'Bearer',
      expiresIn: 900,
    });
    expect(used).toEqual([['t-1', 'sa-1', new Date(0)]]);
  });

  it.each([
    ['a wrong secret', account, 'sa_known', 'wrong', 'hash(right)'],
    ['an unknown client id', account, 'sa_unknown', 'right', 'decoy'],
    ['a revoked account', { ...account, revokedAt: new Date(0) }, 'sa_known', 'right', 'hash(right)'],
    ['a suspended tenant', { ...account, tenantStatus: 'suspended' as const }, 'sa_known', 'right', 'hash(right)'],
  ])('refuses %s alike, after one scrypt verify', async (_case, found, clientId, clientSecret, checked) => {
    const { useCase, verified, used } = setup(found);
    await expect(useCase.execute({ clientId, clientSecret }, '192.0.2.1')).rejects.toBeInstanceOf(
      ClientCredentialsInvalidError,
    );
    expect(verified).toEqual([checked]);
    expect(used).toEqual([]);
  });
});
