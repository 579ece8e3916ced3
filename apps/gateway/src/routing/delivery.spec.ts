// The delivery contract at its edges, on the in-memory cluster: a reader that stops, the CEM hold, a
// channel that goes away with messages on their way, and CEM messages that cannot be answered with a
// ReceptionStatus. Each message ends exactly once: written (and only once it reached its socket's
// operating system) or answered.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { DELIVERY_TIMEOUT_MS, MAX_BUFFERED_BYTES } from '../limits.js';
import { OUTCOME_QUERIES } from './outcomes.js';
import { HOLD_OFF, settle, TestCluster } from './test-cluster.js';

const TENANT = 'tenant-1';
const HOLD = { ...HOLD_OFF, ms: 10_000, maxMessagesPerSession: 50 };
const ids = (frames: Record<string, unknown>[]) =>
  frames.filter((f) => f['type'] === 'message').map((f) => (f['message'] as { message_id?: string }).message_id);
const answered = (frames: Record<string, unknown>[]) =>
  frames.filter((f) => f['message_type'] === 'ReceptionStatus').map((f) => f['subject_message_id']);

afterEach(() => vi.useRealTimers());

describe('a CEM channel that stops reading', () => {
  it.each([
    ['on the same replica', ['a'], 'a'],
    ['on another replica', ['a', 'b'], 'b'],
  ])(
    '%s: refuses what does not fit, closes it as slow, and answers what it never read',
    async (_name, replicas, channelReplica) => {
      const cluster = new TestCluster(replicas);
      const cem = cluster.connectChannel(channelReplica, TENANT);
      const rm = cluster.connectRm('a', { tenantId: TENANT });
      await settle();
      cem.socket.stall();
      const sent: string[] = [];
      // Enough to fill the outbound buffer several times over.
      for (let i = 0; i < (3 * MAX_BUFFERED_BYTES) / 250; i++) {
        const message = powerMeasurement(i);
        sent.push(message.message_id);
        rm.send(message);
        if (i % 500 === 0) await settle(5);
      }
      await settle();
      expect(cem.socket.closed).toEqual({ code: 1013, reason: 'too slow: outbound buffer full' });
      expect(ids(cem.socket.frames)).toEqual([]);
      // Every message ended once, answered (the stalled peer read nothing): those that did not fit at
      // once, and those it had not read when it was closed.
      expect([...answered(rm.socket.frames)].sort()).toEqual([...sent].sort());
      expect(cluster.node('a').pendingDeliveries).toBe(0);
    },
  );

  it('counts as delivered what the peer reads once it resumes, and answers nothing of it', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cem.socket.stall();
    const sent = Array.from({ length: 20 }, (_, i) => powerMeasurement(i));
    for (const message of sent) rm.send(message);
    await settle();
    expect(cluster.node('a').pendingDeliveries).toBe(20);
    cem.socket.resume();
    await settle();
    expect(ids(cem.socket.frames)).toEqual(sent.map((m) => m.message_id));
    expect(answered(rm.socket.frames)).toEqual([]);
    expect(cluster.node('a').pendingDeliveries).toBe(0);
  });
});

describe('the CEM hold', () => {
  it('delivers, in order and unrefused, what an RM sent before any channel of its tenant connected', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b'], { cemHold: HOLD });
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await vi.advanceTimersByTimeAsync(2_500);
    const sent = [resourceManagerDetails(), ...Array.from({ length: 5 }, (_, i) => powerMeasurement(i))];
    for (const message of sent) rm.send(message);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(answered(rm.socket.frames)).toEqual([]);
    const cem = cluster.connectChannel('b', TENANT);
    await settle();
    const later = powerMeasurement(99);
    rm.send(later);
    await settle();
    expect(cem.socket.frames[0]?.['type']).toBe('session.opened');
    expect(ids(cem.socket.frames)).toEqual([...sent, later].map((m) => m.message_id));
    expect(answered(rm.socket.frames)).toEqual([]);
  });

  it('answers TEMPORARY_ERROR for each message once the hold runs out, oldest first, and none twice', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a'], { cemHold: HOLD });
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await vi.advanceTimersByTimeAsync(2_500);
    const first = powerMeasurement(1);
    rm.send(first);
    await vi.advanceTimersByTimeAsync(4_000);
    const second = powerMeasurement(2);
    rm.send(second);
    await vi.advanceTimersByTimeAsync(6_300);
    expect(answered(rm.socket.frames)).toEqual([first.message_id]);
    await vi.advanceTimersByTimeAsync(4_500);
    expect(answered(rm.socket.frames)).toEqual([first.message_id, second.message_id]);
    const cem = cluster.connectChannel('a', TENANT);
    await settle();
    expect(ids(cem.socket.frames)).toEqual([]);
  });

  it('answers at once what goes past the bound of one session, and holds the rest', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a'], { cemHold: { ...HOLD, maxMessagesPerSession: 3 } });
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await vi.advanceTimersByTimeAsync(2_500);
    const sent = Array.from({ length: 5 }, (_, i) => powerMeasurement(i));
    for (const message of sent) rm.send(message);
    await settle();
    expect(answered(rm.socket.frames)).toEqual(sent.slice(3).map((m) => m.message_id));
    const cem = cluster.connectChannel('a', TENANT);
    await settle();
    expect(ids(cem.socket.frames)).toEqual(sent.slice(0, 3).map((m) => m.message_id));
  });

  it('re-sends, in order, to the next channel what a channel that closed never took', async () => {
    const cluster = new TestCluster(['a', 'b', 'c'], { cemHold: HOLD });
    const first = cluster.connectChannel('b', TENANT);
    await settle();
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    first.socket.stall();
    const sent = Array.from({ length: 10 }, (_, i) => powerMeasurement(i));
    for (const message of sent.slice(0, 5)) rm.send(message);
    await settle();
    first.socket.close(1001, 'restarting');
    for (const message of sent.slice(5)) rm.send(message);
    await settle();
    expect(answered(rm.socket.frames)).toEqual([]);
    const second = cluster.connectChannel('c', TENANT);
    await settle();
    expect(ids(second.socket.frames)).toEqual(sent.map((m) => m.message_id));
    expect(ids(first.socket.frames)).toEqual([]);
    expect(answered(rm.socket.frames)).toEqual([]);
  });
});

describe('a CEM channel whose replica dies', () => {
  it('hands its sessions at once to a channel that connects, and the RM is refused nothing', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b', 'c'], { cemHold: HOLD });
    const dying = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.kill('b');
    const sent = Array.from({ length: 6 }, (_, i) => powerMeasurement(i));
    for (const message of sent.slice(0, 3)) rm.send(message);
    await vi.advanceTimersByTimeAsync(1_000);
    // The CEM software reconnects elsewhere a second later; no reaper has been (b's heartbeat is fresh).
    const survivor = cluster.connectChannel('c', TENANT);
    await settle();
    expect(survivor.socket.of('session.opened')).toHaveLength(1);
    for (const message of sent.slice(3)) rm.send(message);
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS + 500);
    await settle();
    expect(ids(survivor.socket.frames)).toEqual(sent.map((m) => m.message_id));
    expect(ids(dying.socket.frames)).toEqual([]);
    expect(answered(rm.socket.frames)).toEqual([]);
  });
});

describe('the hold and per-RM order', () => {
  /**
   * An RM on a, its channel on b, and a Redis blip: three messages published while the link to b was
   * down are lost, then three go through; with `acksLost`, what b answers is lost from then on as well.
   */
  async function blip({ acksLost }: { acksLost: boolean }) {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b'], { cemHold: HOLD });
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.cutLink('a', 'b');
    const lost = Array.from({ length: 3 }, (_, i) => powerMeasurement(i));
    for (const message of lost) rm.send(message);
    await settle();
    cluster.network.mendLink('a', 'b');
    if (acksLost) cluster.network.cutLink('b', 'a');
    const through = Array.from({ length: 3 }, (_, i) => powerMeasurement(10 + i));
    for (const message of through) rm.send(message);
    await settle();
    return { cluster, cem, rm, lost, through };
  }

  it('answers, instead of sending again, a message lost on its way once a later one got through', async () => {
    const { cem, rm, lost, through } = await blip({ acksLost: false });
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS * (OUTCOME_QUERIES + 1) + 500);
    await settle();
    expect(ids(cem.socket.frames)).toEqual(through.map((m) => m.message_id));
    expect(answered(rm.socket.frames)).toEqual(lost.map((m) => m.message_id));
  });

  it('writes nothing twice and nothing out of order when the acknowledgements were lost too and all come back from the hold', async () => {
    // The RM's replica learns nothing of any of the six, and sends them all again once Redis is back:
    // after the last question went unanswered, before the sender gives up on them.
    const { cluster, cem, rm, lost, through } = await blip({ acksLost: true });
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS * (OUTCOME_QUERIES + 1) - 500);
    cluster.network.mendLink('b', 'a');
    await vi.advanceTimersByTimeAsync(1_500);
    await settle();
    expect(ids(cem.socket.frames)).toEqual(through.map((m) => m.message_id));
    const replies = rm.socket.of('ReceptionStatus');
    expect(replies.map((f) => f['subject_message_id'])).toEqual(lost.map((m) => m.message_id));
    expect(replies.map((f) => f['status'])).toEqual(lost.map(() => 'TEMPORARY_ERROR'));
    expect(replies[0]?.['diagnostic_label']).toBe('a later message of this session reached the CEM first');
    expect(cluster.node('a').pendingDeliveries).toBe(0);
  });
});

describe('CEM messages that cannot be answered with a ReceptionStatus', () => {
  it('tells the channel, in an error frame naming the RM and the message, that a ReceptionStatus for an RM whose replica died did not arrive', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'Date'] });
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    await settle();
    cluster.network.declareDead('a');
    cem.socket.frames.length = 0;
    cem.send(rm.rm.rmNodeId, { message_type: 'ReceptionStatus', subject_message_id: 'm-7', status: 'OK' });
    await vi.advanceTimersByTimeAsync(DELIVERY_TIMEOUT_MS * (OUTCOME_QUERIES + 1));
    await settle();
    expect(cem.socket.frames).toEqual([
      {
        type: 'error',
        rmNodeId: rm.rm.rmNodeId,
        messageId: 'm-7',
        code: 'undeliverable',
        detail: 'the RM could not take this message now: this ReceptionStatus was not delivered',
      },
    ]);
  });
});
