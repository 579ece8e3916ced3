// Routing across replicas on the in-memory bus and directory: the delivery contract (each accepted
// message written in order or answered, once), binding and re-binding, a replica dying, and
// acknowledgements that come twice or too late.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DELIVER_WITHIN_MS, DELIVERY_TIMEOUT_MS } from '../limits.js';
import { OUTCOME_QUERIES } from './outcomes.js';
import { powerMeasurement as measurement, resourceManagerDetails as rmDetails } from '#s2-json/testing';
import { settle, TestCluster } from './test-cluster.js';

const TENANT = 'tenant-1';
const values = (frames: Record<string, unknown>[]) =>
  frames
    .filter((f) => f['type'] === 'message')
    .map((f) => ((f['message'] as { values?: { value: number }[] }).values ?? [])[0]?.value);
const statuses = (frames: Record<string, unknown>[]) =>
  frames.filter((f) => f['message_type'] === 'ReceptionStatus').map((f) => f['status']);

afterEach(() => vi.useRealTimers());

describe('routing between replicas', () => {
  it('carries an RM session to a channel on another replica: session.opened, then every message in order', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    for (let i = 1; i <= 200; i++) rm.send(measurement(i));
    await settle();
    expect(cem.socket.frames[0]).toMatchObject({ type: 'session.opened', session: { rmNodeId: rm.rm.rmNodeId } });
    expect(values(cem.socket.frames)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(statuses(rm.socket.frames)).toEqual([]);
  });

  it('carries the CEM messages to the RM on another replica, and the RM answers back', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    rm.send(rmDetails());
    await settle();
    const select = { message_type: 'SelectControlType', message_id: 'sel-1', control_type: 'FILL_RATE_BASED_CONTROL' };
    cem.send(rm.rm.rmNodeId, select);
    await settle();
    expect(rm.socket.of('SelectControlType')).toEqual([select]);
    rm.send({ message_type: 'ReceptionStatus', subject_message_id: 'sel-1', status: 'OK' });
    await settle();
    expect(cem.socket.frames.at(-1)).toMatchObject({ type: 'message', message: { subject_message_id: 'sel-1' } });
  });

  it("answers what the broker stops to its sender only: the RM's schema error, the CEM's state error", async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    rm.send({ message_type: 'PowerMeasurement', message_id: 'bad-1' });
    await settle();
    expect(rm.socket.frames).toEqual([
      expect.objectContaining({ subject_message_id: 'bad-1', status: 'INVALID_MESSAGE' }),
    ]);
    // No control type offered yet: a FRBC instruction is not allowed in this state.
    cem.send(rm.rm.rmNodeId, {
      message_type: 'FRBC.Instruction',
      message_id: 'ins-1',
      id: 'ins-1',
      actuator_id: 'a-1',
      operation_mode: 'm-1',
      operation_mode_factor: 0.5,
      execution_time: new Date().toISOString(),
      abnormal_condition: false,
    });
    await settle();
    expect(rm.socket.of('FRBC.Instruction')).toEqual([]);
    expect(cem.socket.frames.at(-1)).toMatchObject({
      type: 'message',
      message: { message_type: 'ReceptionStatus', subject_message_id: 'ins-1', status: 'INVALID_CONTENT' },
    });
    expect(
      cem.socket.of('message').filter((f) => (f['message'] as { message_id?: string }).message_id === 'bad-1'),
    ).toEqual([]);
  });

  it('answers TEMPORARY_ERROR when the tenant has no channel, and a channel that connects later takes the session', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b']);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    rm.send(measurement(1));
    await vi.advanceTimersByTimeAsync(2_500);
    await settle();
    expect(statuses(rm.socket.frames)).toEqual(['TEMPORARY_ERROR']);
    const cem = cluster.connectChannel('b', TENANT);
    await settle();
    expect(cem.socket.frames[0]).toMatchObject({
      type: 'session.opened',
      session: { snapshot: [{ values: [{ value: 1 }] }] },
    });
    rm.send(measurement(2));
    await settle();
    expect(values(cem.socket.frames)).toEqual([2]);
  });

  it('an unknown RM is an error frame; a paired RM without a session is TEMPORARY_ERROR', async () => {
    const cluster = new TestCluster(['a']);
    const cem = cluster.connectChannel('a', TENANT);
    cem.send('nobody', measurement());
    cluster.pairings.paired.set('offline-rm', { tenantId: TENANT, cemNodeId: 'cem-1' });
    cem.send('offline-rm', { message_type: 'SessionRequest', message_id: 'req-1', request: 'RECONNECT' });
    await settle();
    expect(cem.socket.frames[0]).toMatchObject({ type: 'error', code: 'unknown_rm' });
    expect(cem.socket.frames[1]).toMatchObject({
      type: 'message',
      rmNodeId: 'offline-rm',
      message: { subject_message_id: 'req-1', status: 'TEMPORARY_ERROR' },
    });
  });
});

describe('binding', () => {
  it("keeps a CEM's order to an RM whose session the channel takes while the messages are on their way", async () => {
    const cluster = new TestCluster(['a', 'b']);
    // The channel takes these one after another: the first is bound long before the last.
    const [rm, ...others] = Array.from({ length: 8 }, () => cluster.connectRm('a', { tenantId: TENANT }));
    await settle();
    const cem = cluster.connectChannel('b', TENANT);
    const sent = [];
    for (let i = 0; i < 20; i++) {
      const select = { message_type: 'SelectControlType', message_id: `s-${i}`, control_type: 'NO_SELECTION' };
      sent.push(select.message_id);
      cem.send(rm?.rm.rmNodeId ?? '', select);
      await settle(2);
    }
    await settle();
    expect(rm?.socket.of('SelectControlType').map((f) => f['message_id'])).toEqual(sent);
    expect(others).toHaveLength(7);
  });

  it('re-binds the sessions of a channel that closes to a channel on another replica, with a fresh session.opened', async () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    const first = cluster.connectChannel('b', TENANT);
    await settle();
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    rm.send(measurement(1));
    await settle();
    const second = cluster.connectChannel('c', TENANT);
    await settle();
    expect(second.socket.of('session.opened')).toEqual([]);
    first.socket.close(1000, 'bye');
    await settle();
    expect(second.socket.of('session.opened')).toEqual([
      expect.objectContaining({ session: expect.objectContaining({ rmNodeId: rm.rm.rmNodeId }) }),
    ]);
    rm.send(measurement(2));
    await settle();
    expect(values(first.socket.frames)).toEqual([1]);
    expect(values(second.socket.frames)).toEqual([2]);
  });

  it('binds each session to exactly one of several channels, and a channel limited to a CEM node takes only its own', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const all = [cluster.connectChannel('a', TENANT), cluster.connectChannel('b', TENANT)];
    const onlyTwo = cluster.connectChannel('b', TENANT, ['cem-2']);
    await settle();
    const rms = Array.from({ length: 20 }, (_, i) => cluster.connectRm(i % 2 ? 'a' : 'b', { tenantId: TENANT }));
    const other = cluster.connectRm('a', { tenantId: TENANT, cemNodeId: 'cem-2' });
    // Each channel opens its sessions one after another.
    await settle(1_000);
    for (const rm of rms) {
      const openedOn = all.filter((c) =>
        c.socket.of('session.opened').some((f) => (f['session'] as { rmNodeId: string }).rmNodeId === rm.rm.rmNodeId),
      );
      expect(openedOn).toHaveLength(1);
    }
    const openedForOther = [...all, onlyTwo].filter((c) =>
      c.socket.frames.some((f) => (f['session'] as { rmNodeId?: string } | undefined)?.rmNodeId === other.rm.rmNodeId),
    );
    expect(openedForOther).toHaveLength(1);
    expect(onlyTwo.socket.of('session.opened').map((f) => (f['session'] as { rmNodeId: string }).rmNodeId)).toEqual(
      expect.not.arrayContaining(rms.map((r) => r.rm.rmNodeId)),
    );
  });

  it('a second session of the same RM on another replica replaces the first: closed, then opened, on the channel', async () => {
    const cluster = new TestCluster(['a', 'b', 'c']);
    const cem = cluster.connectChannel('c', TENANT);
    const first = cluster.connectRm('a', { tenantId: TENANT, rmNodeId: 'rm-x' });
    await settle();
    const second = cluster.connectRm('b', { tenantId: TENANT, rmNodeId: 'rm-x' });
    await settle();
    expect(first.socket.closed).toEqual({ code: 4000, reason: 'replaced' });
    expect(
      cem.socket.frames.map(
        (f) => `${String(f['type'])} ${String(f['sessionId'] ?? (f['session'] as { sessionId: string }).sessionId)}`,
      ),
    ).toEqual([
      `session.opened ${first.rm.sessionId}`,
      `session.closed ${first.rm.sessionId}`,
      `session.opened ${second.rm.sessionId}`,
    ]);
    expect(cem.socket.of('session.closed')[0]).toEqual({
      type: 'session.closed',
      sessionId: first.rm.sessionId,
      rmNodeId: 'rm-x',
      cemNodeId: 'cem-1',
      reason: 'replaced',
    });
  });
});

describe('a replica dying', () => {
  it('without the hold, answers TEMPORARY_ERROR once for what the killed channel replica never acknowledged; a channel that connects takes the session at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b', 'c']);
    const dying = cluster.connectChannel('b', TENANT);
    await settle();
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.kill('b');
    for (let i = 1; i <= 5; i++) rm.send(measurement(i));
    await settle();
    expect(statuses(rm.socket.frames)).toEqual([]);
    // Its heartbeat is still fresh, but nothing listens to its inbox: the sender stops asking at once.
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS + 200);
    await settle();
    expect(statuses(rm.socket.frames)).toEqual(Array(5).fill('TEMPORARY_ERROR'));
    expect(values(dying.socket.frames)).toEqual([]);
    // Long before the reaper, a channel that connects takes the session of the channel that died.
    const survivor = cluster.connectChannel('c', TENANT);
    await settle();
    expect(survivor.socket.of('session.opened')).toHaveLength(1);
    rm.send(measurement(6));
    await settle();
    expect(values(survivor.socket.frames)).toEqual([6]);
    // The reaper, when it comes, changes nothing of it.
    cluster.network.declareDead('b');
    await cluster.node('c').reap('b');
    await settle();
    rm.send(measurement(7));
    await settle();
    expect(values(survivor.socket.frames)).toEqual([6, 7]);
    expect(survivor.socket.of('session.opened')).toHaveLength(1);
    expect(statuses(rm.socket.frames)).toHaveLength(5);
  });

  it('ends the sessions of a dead RM replica: session.closed replica-lost on the channel', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.declareDead('a');
    await cluster.node('b').reap('a');
    await settle();
    expect(cem.socket.of('session.closed')).toEqual([
      expect.objectContaining({ rmNodeId: rm.rm.rmNodeId, reason: 'replica-lost' }),
    ]);
    expect(cluster.events.events).toContain(`closed ${rm.rm.rmNodeId} replica-lost`);
  });
});

describe('the shared state lost (Redis restarted empty)', () => {
  it('registers again every session and channel as they were, and routing goes on without a new session.opened', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.directory.wipe();
    cluster.network.stateLost();
    await settle();
    expect(await cluster.directory.get(rm.rm.rmNodeId)).toMatchObject({
      sessionId: rm.rm.sessionId,
      replica: 'a',
      channelId: cem.channel.channelId,
      channelReplica: 'b',
    });
    expect(await cluster.directory.tenantSessions(TENANT)).toEqual([rm.rm.rmNodeId]);
    expect((await cluster.directory.channels(TENANT)).map((c) => c.channelId)).toEqual([cem.channel.channelId]);
    rm.send(measurement(1));
    await settle();
    expect(values(cem.socket.frames)).toEqual([1]);
    expect(cem.socket.of('session.opened')).toHaveLength(1);
  });

  it('lets a channel that connects after the loss find the sessions that had none', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.directory.wipe();
    cluster.network.stateLost();
    await settle();
    const cem = cluster.connectChannel('b', TENANT);
    await settle();
    expect(cem.socket.of('session.opened')).toEqual([
      expect.objectContaining({ session: expect.objectContaining({ rmNodeId: rm.rm.rmNodeId }) }),
    ]);
  });

  it('leaves alone an RM that a newer session registered again first', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const old = cluster.connectRm('a', { tenantId: TENANT, rmNodeId: 'rm-x' });
    await settle();
    cluster.directory.wipe();
    const newer = cluster.connectRm('b', { tenantId: TENANT, rmNodeId: 'rm-x' });
    await settle();
    cluster.network.stateLost();
    await settle();
    expect(await cluster.directory.get('rm-x')).toMatchObject({ sessionId: newer.rm.sessionId, replica: 'b' });
    expect(old.socket.closed).toBeUndefined();
  });
});

describe('acknowledgements', () => {
  it('writes a message that arrives twice once, and settles it once', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.hold('b');
    cluster.network.hold('a');
    rm.send(measurement(1));
    rm.send(measurement(2));
    await settle();
    cluster.network.release('b', { twice: true });
    await settle();
    cluster.network.release('a', { twice: true });
    await settle();
    expect(values(cem.socket.frames)).toEqual([1, 2]);
    expect(statuses(rm.socket.frames)).toEqual([]);
    expect(cluster.node('a').pendingDeliveries).toBe(0);
  });

  it('does not write a message that arrives after its sender may have given up, and answers it once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.hold('b');
    rm.send(measurement(1));
    await settle();
    await vi.advanceTimersByTimeAsync(DELIVER_WITHIN_MS + 1);
    cluster.network.release('b');
    await settle();
    // A late acknowledgement of the same message changes nothing.
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS * (OUTCOME_QUERIES + 1));
    await settle();
    expect(values(cem.socket.frames)).toEqual([]);
    expect(statuses(rm.socket.frames)).toEqual(['TEMPORARY_ERROR']);
  });

  it('answers a sender whose acknowledgements were lost, when it asks, with what it delivered', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.cutLink('b', 'a');
    rm.send(measurement(1));
    await settle();
    expect(values(cem.socket.frames)).toEqual([1]);
    cluster.network.mendLink('b', 'a');
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS + 200);
    await settle();
    expect(statuses(rm.socket.frames)).toEqual([]);
    expect(cluster.node('a').pendingDeliveries).toBe(0);
    expect(cluster.network.sent.filter((s) => s.envelope.kind === 'query')).toHaveLength(1);
  });
});
