import { describe, expect, it } from 'vitest';
import type { EventBus } from '#events';
import type { Clock, ServiceAccountRecord, ServiceAccountRepository } from '#store';
import { LastActiveServiceAccountError, ServiceAccountNotFoundError } from '../errors/api-error.js';
import { RevokeServiceAccount } from './revoke-service-account.use-case.js';

const caller = { tenantId: 't-1', serviceAccountId: 'sa-1' };
const account: ServiceAccountRecord = {
  id: 'sa-2',
  tenantId: 't-1',
  name: 'ci',
  clientId: 'sa_x',
  createdAt: new Date(0),
  lastUsedAt: null,
  revokedAt: new Date(1),
};

function setup(result: Awaited<ReturnType<ServiceAccountRepository['revoke']>>) {
  const published: unknown[] = [];
  const audits: unknown[] = [];
  const accounts = {
    revoke: (_tenantId: string, _id: string, _at: Date, audit: unknown) => {
      audits.push(audit);
      return Promise.resolve(result);
    },
  } as ServiceAccountRepository;
  const events = {
    publish: (list: readonly unknown[]) => {
      published.push(...list);
      return Promise.resolve();
    },
  } as EventBus;
  const useCase = new RevokeServiceAccount(accounts, events, { now: () => new Date(1) } as Clock);
  return { useCase, published, audits };
}

describe('RevokeServiceAccount', () => {
  it('revokes, records who did it, and has every replica close the channels of the account', async () => {
    const { useCase, published, audits } = setup({ account, revokedNow: true });
    expect(await useCase.execute(caller, 'sa-2')).toBe(account);
    expect(audits).toEqual([
      expect.objectContaining({
        actorType: 'service_account',
        actorId: 'sa-1',
        action: 'service_account.revoked',
        subjectId: 'sa-2',
      }),
    ]);
    expect(published).toEqual([{ type: 'service-account.revoked', tenantId: 't-1', serviceAccountId: 'sa-2' }]);
  });

  it('refuses the last active account with a conflict, and an unknown one as not found', async () => {
    await expect(setup({ refused: 'last-active' }).useCase.execute(caller, 'sa-1')).rejects.toBeInstanceOf(
      LastActiveServiceAccountError,
    );
    const missing = setup({ refused: 'not-found' });
    await expect(missing.useCase.execute(caller, 'sa-9')).rejects.toBeInstanceOf(ServiceAccountNotFoundError);
    expect(missing.published).toEqual([]);
  });
});
