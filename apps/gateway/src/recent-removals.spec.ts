import { describe, expect, it } from 'vitest';
import { RecentRemovals } from './recent-removals.js';

const session = { tenantId: 't1', rmNodeId: 'rm1', cemNodeId: 'c1' };
const unpaired = { code: 4001, reason: 'unpaired' };

function at(start: number): { removals: RecentRemovals; clock: { t: number } } {
  const clock = { t: start };
  const removals = new RecentRemovals();
  removals.now = () => clock.t;
  return { removals, clock };
}

describe('RecentRemovals', () => {
  it('closes a session whose pairing was removed after its look-up, not before', () => {
    const { removals, clock } = at(1_000);
    removals.pairing('rm1', 'c1', unpaired);
    expect(removals.since(1_001, session)).toBeUndefined();
    expect(removals.since(1_000, session)).toEqual(unpaired);
    clock.t = 2_000;
    removals.pairing('rm1', 'c1', unpaired);
    expect(removals.since(1_500, session)).toEqual(unpaired);
  });

  it('matches the RM with its CEM node only, and the tenant', () => {
    const { removals } = at(1_000);
    removals.pairing('rm1', 'other-node', unpaired);
    removals.pairing('rm2', 'c1', unpaired);
    expect(removals.since(0, session)).toBeUndefined();
    const suspended = { code: 4003, reason: 'tenant-suspended' };
    removals.tenant('t1', suspended);
    expect(removals.since(0, session)).toEqual(suspended);
    expect(removals.since(0, { ...session, tenantId: 't2' })).toBeUndefined();
  });

  it('forgets what it heard a minute ago', () => {
    const { removals, clock } = at(100_000);
    removals.pairing('rm1', 'c1', unpaired);
    clock.t = 100_000 + 61_000;
    removals.tenant('t9', unpaired);
    expect(removals.since(0, session)).toBeUndefined();
    expect(removals.since(0, { ...session, tenantId: 't9' })).toEqual(unpaired);
  });
});
