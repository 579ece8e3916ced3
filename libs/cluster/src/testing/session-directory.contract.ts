// What every SessionDirectory answers, whatever holds it: run against the in-memory twin in the unit
// suite and against Redis in the e2e suite, so that routing tests on the twin say something about Redis.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { RmEntry, SessionDirectory } from '../session-directory.js';

const entry = (overrides: Partial<RmEntry> = {}): RmEntry => ({
  sessionId: randomUUID(),
  replica: `replica-${randomUUID()}`,
  tenantId: randomUUID(),
  cemNodeId: randomUUID(),
  pairingId: randomUUID(),
  s2Version: 'v0.0.2-beta',
  connectedAt: new Date().toISOString(),
  channelId: '',
  channelReplica: '',
  state: '{}',
  ...overrides,
});

export function describeSessionDirectory(name: string, make: () => SessionDirectory): void {
  describe(`${name} (SessionDirectory contract)`, () => {
    it('registers a session, returns the one it replaces, and counts it once for its tenant', async () => {
      const directory = make();
      const rm = randomUUID();
      const first = entry();
      expect(await directory.register(rm, first)).toBeUndefined();
      const second = entry({ tenantId: first.tenantId });
      expect(await directory.register(rm, second)).toMatchObject({
        sessionId: first.sessionId,
        replica: first.replica,
      });
      expect(await directory.get(rm)).toMatchObject({ sessionId: second.sessionId, replica: second.replica });
      expect(await directory.tenantSessions(first.tenantId)).toEqual([rm]);
      expect(await directory.tenantLoad(first.tenantId, rm)).toEqual({ live: 1, alreadyLive: true });
      expect(await directory.replicaRms(first.replica)).toEqual([]);
      expect(await directory.replicaRms(second.replica)).toEqual([rm]);
    });

    it('restores a session only where the RM has no entry', async () => {
      const directory = make();
      const rm = randomUUID();
      const lost = entry({ channelId: 'ch-1', channelReplica: 'replica-c' });
      expect(await directory.restore(rm, lost)).toBe(true);
      expect(await directory.get(rm)).toMatchObject({ sessionId: lost.sessionId, channelId: 'ch-1' });
      expect(await directory.tenantSessions(lost.tenantId)).toEqual([rm]);
      expect(await directory.replicaRms(lost.replica)).toEqual([rm]);
      expect(await directory.restore(rm, entry({ tenantId: lost.tenantId }))).toBe(false);
      expect(await directory.get(rm)).toMatchObject({ sessionId: lost.sessionId });
    });

    it('removes only the session named, and its snapshot with it', async () => {
      const directory = make();
      const rm = randomUUID();
      const session = entry();
      await directory.register(rm, session);
      directory.recordFromRm(rm, session.sessionId, 'PowerMeasurement', '{"v":1}', undefined);
      await directory.saveNow(session.sessionId);
      expect(await directory.remove(rm, { ...session, sessionId: randomUUID() })).toBe(false);
      expect(await directory.remove(rm, session)).toBe(true);
      expect(await directory.remove(rm, session)).toBe(false);
      expect(await directory.get(rm)).toBeUndefined();
      expect((await directory.savedSession(rm, session.sessionId)).snapshot).toEqual({});
      expect(await directory.tenantSessions(session.tenantId)).toEqual([]);
    });

    it('binds only a session that is still the one named and still bound as the caller saw it', async () => {
      const directory = make();
      const rm = randomUUID();
      const session = entry();
      await directory.register(rm, session);
      expect(await directory.bind(rm, randomUUID(), '', 'ch-1', 'replica-c')).toBe(false);
      expect(await directory.bind(rm, session.sessionId, 'ch-0', 'ch-1', 'replica-c')).toBe(false);
      expect(await directory.bind(rm, session.sessionId, '', 'ch-1', 'replica-c')).toBe(true);
      expect(await directory.bind(rm, session.sessionId, '', 'ch-2', 'replica-c')).toBe(false);
      expect(await directory.getMany([rm, randomUUID()])).toEqual(
        new Map([[rm, expect.objectContaining({ channelId: 'ch-1', channelReplica: 'replica-c' })]]),
      );
    });

    it('keeps the last message of each type and the latest state, once saved', async () => {
      const directory = make();
      const rm = randomUUID();
      const session = entry();
      await directory.register(rm, session);
      directory.recordFromRm(rm, session.sessionId, 'PowerMeasurement', '{"v":1}', undefined);
      directory.recordFromRm(rm, session.sessionId, 'PowerMeasurement', '{"v":2}', '{"s":1}');
      directory.recordFromRm(rm, session.sessionId, 'ResourceManagerDetails', '{"d":1}', undefined);
      directory.recordState(rm, session.sessionId, '{"s":2}');
      await directory.saveNow(session.sessionId);
      expect(await directory.savedSession(rm, session.sessionId)).toEqual({
        snapshot: { PowerMeasurement: '{"v":2}', ResourceManagerDetails: '{"d":1}' },
        state: '{"s":2}',
      });
    });

    it("lists a tenant's channels and a replica's, and forgets a replica", async () => {
      const directory = make();
      const tenant = randomUUID();
      const replica = `replica-${randomUUID()}`;
      await directory.addChannel(tenant, { channelId: 'ch-1', replica, cemNodeIds: null });
      await directory.addChannel(tenant, { channelId: 'ch-2', replica, cemNodeIds: ['n-1'] });
      expect((await directory.channels(tenant)).sort((x, y) => x.channelId.localeCompare(y.channelId))).toEqual([
        { channelId: 'ch-1', replica, cemNodeIds: null },
        { channelId: 'ch-2', replica, cemNodeIds: ['n-1'] },
      ]);
      await directory.removeChannel(tenant, 'ch-1', replica);
      expect(await directory.replicaChannels(replica)).toEqual([[tenant, 'ch-2']]);
      await directory.forgetReplica(replica);
      expect(await directory.replicaChannels(replica)).toEqual([]);
    });
  });
}
