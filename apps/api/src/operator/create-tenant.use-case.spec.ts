import { describe, expect, it } from 'vitest';
import type { RandomSource, SecretHasher } from '#security';
import type { AuditEntry, NewServiceAccount, NewTenant, TenantRepository } from '#store';
import { CreateTenant } from './create-tenant.use-case.js';

function setup() {
  const calls: { tenant: NewTenant; account: NewServiceAccount; audit: AuditEntry }[] = [];
  const tenants = {
    createWithServiceAccount: (tenant: NewTenant, account: NewServiceAccount, audit: AuditEntry) => {
      calls.push({ tenant, account, audit });
      return Promise.resolve({ ...tenant, status: 'active' as const, createdAt: new Date(0) });
    },
  } as TenantRepository;
  let ids = 0;
  const random = {
    uuid: () => `uuid-${++ids}`,
    base64Url: (bytes: number) => `r${bytes}`.padEnd(Math.ceil((bytes * 4) / 3), 'x'),
  } as RandomSource;
  const hasher = { hash: (secret: string) => Promise.resolve(`hash(${secret})`) } as SecretHasher;
  return { useCase: new CreateTenant(tenants, random, hasher), calls };
}

describe('CreateTenant', () => {
  it('creates the tenant with a service account whose secret is stored only as a hash', async () => {
    const { useCase, calls } = setup();
    const created = await useCase.execute({ name: 'Acme' });
    const clientSecret = created.serviceAccount.clientSecret;
    expect(created.serviceAccount.clientId).toMatch(/^sa_[\w-]{22}$/);
    expect(clientSecret).toHaveLength(43);
    expect(created.tenant).toMatchObject({ id: 'uuid-1', name: 'Acme', logoUrl: null, status: 'active' });
    const [call] = calls;
    expect(call?.account).toEqual({
      id: 'uuid-2',
      name: 'default',
      clientId: created.serviceAccount.clientId,
      secretHash: `hash(${clientSecret})`,
    });
    expect(call?.audit).toMatchObject({
      tenantId: 'uuid-1',
      actorType: 'operator',
      action: 'tenant.created',
      subjectType: 'tenant',
      subjectId: 'uuid-1',
    });
    expect(JSON.stringify(call?.audit)).not.toContain(clientSecret);
  });
});
