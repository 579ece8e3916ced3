// What routing gives the message inspector and the history: one entry per message of an observed RM,
// with the broker's verdict, from the replica that reached it; nothing at all for an RM nobody observes.
import { describe, expect, it } from 'vitest';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { settle, TestCluster } from './test-cluster.js';

const TENANT = 'tenant-1';
const verdicts = (cluster: TestCluster) =>
  cluster.observer.entries.map(
    ({ entry }) =>
      `${entry.direction} ${entry.verdict} ${String((entry.message as { message_type?: string }).message_type ?? entry.message)}`,
  );

describe('the inspector tap and the history', () => {
  it('records nothing, and keeps no text, for an RM that no inspector watches and no history keeps', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    rm.send(resourceManagerDetails());
    rm.send({ message_type: 'PowerMeasurement', message_id: 'bad' });
    rm.socket.frames.length = 0;
    await settle();
    cem.send(rm.rm.rmNodeId, {
      message_type: 'SelectControlType',
      message_id: 's-1',
      control_type: 'FILL_RATE_BASED_CONTROL',
    });
    await settle();
    expect(rm.socket.of('SelectControlType')).toHaveLength(1);
    expect(cluster.observer.entries).toEqual([]);
  });

  it('records each message of a watched RM once, both ways, with its verdict and the reply the sender got', async () => {
    const cluster = new TestCluster(['a', 'b']);
    const cem = cluster.connectChannel('b', TENANT);
    const rm = cluster.connectRm('a', { tenantId: TENANT });
    cluster.observer.watched.add(rm.rm.rmNodeId);
    await settle();
    rm.send(resourceManagerDetails());
    rm.send({ message_type: 'PowerMeasurement', message_id: 'bad-1' });
    rm.sendText('not json');
    await settle();
    cem.send(rm.rm.rmNodeId, {
      message_type: 'SelectControlType',
      message_id: 's-1',
      control_type: 'FILL_RATE_BASED_CONTROL',
    });
    cem.send(rm.rm.rmNodeId, { message_type: 'SelectControlType', message_id: 's-2', control_type: 'NOT_OFFERED' });
    await settle();
    expect(verdicts(cluster)).toEqual([
      'rm_to_cem rejected PowerMeasurement',
      'rm_to_cem rejected not json',
      'rm_to_cem delivered ResourceManagerDetails',
      // Refused at once; delivered once the socket has handed it to the operating system.
      'cem_to_rm rejected SelectControlType',
      'cem_to_rm delivered SelectControlType',
    ]);
    const rejected = cluster.observer.entries[0]?.entry;
    expect(rejected).toMatchObject({
      rmNodeId: rm.rm.rmNodeId,
      sessionId: rm.rm.sessionId,
      reply: { subject_message_id: 'bad-1', status: 'INVALID_MESSAGE' },
    });
    expect(cluster.observer.entries[3]?.entry.reply).toMatchObject({ subject_message_id: 's-2' });
  });

  it('keeps the history of a session whose tenant keeps one, and follows a changed policy at once', async () => {
    const cluster = new TestCluster(['a']);
    cluster.connectChannel('a', TENANT);
    const policy = { maxMessages: 100, maxAgeSeconds: 3600 };
    const kept = cluster.connectRm('a', { tenantId: TENANT }, policy);
    const other = cluster.connectRm('a', { tenantId: 'tenant-2' });
    await settle();
    kept.send(powerMeasurement(1));
    other.send(powerMeasurement(2));
    await settle();
    expect(cluster.observer.entries.map((e) => [e.rmNodeId, e.history])).toEqual([[kept.rm.rmNodeId, policy]]);
    cluster.node('a').setHistory(TENANT, null);
    kept.send(powerMeasurement(3));
    await settle();
    expect(cluster.observer.entries).toHaveLength(1);
  });

  it('tells the inspector of a watched RM that is not connected that the CEM got TEMPORARY_ERROR', async () => {
    const cluster = new TestCluster(['a']);
    const cem = cluster.connectChannel('a', TENANT);
    cluster.pairings.paired.set('offline', { tenantId: TENANT, cemNodeId: 'cem-1' });
    cluster.observer.watched.add('offline');
    cem.send('offline', { message_type: 'SessionRequest', message_id: 'r-1', request: 'RECONNECT' });
    await settle();
    expect(cluster.observer.entries.map((e) => e.entry)).toEqual([
      expect.objectContaining({
        direction: 'cem_to_rm',
        verdict: 'temporary_error',
        sessionId: '',
        reply: expect.objectContaining({ status: 'TEMPORARY_ERROR' }),
      }),
    ]);
  });
});
