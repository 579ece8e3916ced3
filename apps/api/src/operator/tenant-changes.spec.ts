import { describe, expect, it } from 'vitest';
import type { TenantDetails } from '#store';
import { tenantChangeAudit } from './tenant-changes.js';

const before: TenantDetails = {
  id: 't-1',
  name: 'Acme',
  logoUrl: null,
  status: 'active',
  maxCemNodes: null,
  maxSessions: 10,
  createdAt: new Date(0),
};

describe('tenantChangeAudit', () => {
  it('records nothing when nothing changed', () => {
    expect(tenantChangeAudit(before, { ...before })).toEqual([]);
  });

  it('records a suspension and a resumption by the operator', () => {
    const suspended = { ...before, status: 'suspended' as const };
    expect(tenantChangeAudit(before, suspended)).toEqual([
      {
        tenantId: 't-1',
        actorType: 'operator',
        actorId: null,
        action: 'tenant.suspended',
        subjectType: 'tenant',
        subjectId: 't-1',
        data: {},
      },
    ]);
    expect(tenantChangeAudit(suspended, before).map((entry) => entry.action)).toEqual(['tenant.resumed']);
  });

  it('records quota and profile changes apart, with what they were and became', () => {
    const after = { ...before, maxSessions: null, maxCemNodes: 5, name: 'Acme Energy' };
    const entries = tenantChangeAudit(before, after);
    expect(entries.map((entry) => [entry.action, entry.data])).toEqual([
      ['tenant.quota_changed', { maxCemNodes: { from: null, to: 5 }, maxSessions: { from: 10, to: null } }],
      ['tenant.updated', { name: { from: 'Acme', to: 'Acme Energy' } }],
    ]);
  });
});
