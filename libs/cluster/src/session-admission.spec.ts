import { describe, expect, it } from 'vitest';
import { admissionOf } from './session-admission.js';

const active = (maxSessions: number | null) => ({ status: 'active' as const, maxSessions });

describe('admissionOf', () => {
  it('admits anything without a quota', () => {
    expect(admissionOf(active(null), { live: 10_000, alreadyLive: false })).toBe('admitted');
  });

  it('admits below the quota and refuses the session that would exceed it', () => {
    expect(admissionOf(active(2), { live: 1, alreadyLive: false })).toBe('admitted');
    expect(admissionOf(active(2), { live: 2, alreadyLive: false })).toBe('quota-reached');
    expect(admissionOf(active(0), { live: 0, alreadyLive: false })).toBe('quota-reached');
  });

  it('admits an RM that replaces its own live session, even at the quota', () => {
    expect(admissionOf(active(2), { live: 2, alreadyLive: true })).toBe('admitted');
  });

  it('admits nobody for a suspended or deleted tenant', () => {
    expect(admissionOf({ status: 'suspended', maxSessions: null }, { live: 0, alreadyLive: false })).toBe(
      'tenant-unavailable',
    );
    expect(admissionOf(null, { live: 0, alreadyLive: false })).toBe('tenant-unavailable');
  });
});
