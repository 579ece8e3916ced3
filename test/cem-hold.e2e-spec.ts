// The CEM hold through the running broker: an RM whose tenant has no CEM channel yet is not refused;
// its messages wait, in order, and reach the first channel that takes the session. Past the hold each
// is answered TEMPORARY_ERROR, none lost; with the hold off, at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { powerMeasurement, resourceManagerDetails } from '#s2-json/testing';
import { type Broker, startBroker } from './support/broker.js';
import { createTenant, rmWithSession } from './support/s2-connect.js';
import { connect, type Peer } from './support/ws-peer.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isS2 = (type: string) => (frame: Record<string, unknown>) => frame['message_type'] === type;
const messages = (peer: Peer) => peer.frames.filter((f) => f['type'] === 'message').map((f) => f['message']);
const answers = (peer: Peer) => peer.frames.filter(isS2('ReceptionStatus'));

function brokerWithHold(seconds: string) {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startBroker({ env: { CEM_HOLD_SECONDS: seconds } });
  });
  afterAll(() => broker?.stop());
  return async () => {
    const tenant = await createTenant(broker);
    const rm = await rmWithSession(broker.url, tenant, ['v1.0.0']);
    const ws = (path: string) => broker.url.replace('http', 'ws') + path;
    const peer = await connect(ws('/s2/v1/ws'), rm.websocketToken);
    // Each describe has a broker of its own, so its hold counters start at zero.
    const metric = async (series: string) => {
      const text = await (await fetch(`${broker.internalUrl}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line === undefined ? undefined : Number(line.slice(series.length + 1));
    };
    return { rm, peer, metric, channel: () => connect(ws('/cem/v1/ws'), tenant.jwt) };
  };
}

describe('with the hold on (10 s, the default)', () => {
  const start = brokerWithHold('10');

  it("delivers every message of an RM whose tenant's CEM channel connects 3 s later, in order, none refused", async () => {
    const { rm, peer, metric, channel } = await start();
    const sent = [resourceManagerDetails(), powerMeasurement(1), powerMeasurement(2), powerMeasurement(3)];
    for (const message of sent) {
      peer.send(message);
      await sleep(500);
    }
    await sleep(1_000);
    expect(await metric('s2b_cem_hold_messages')).toBe(sent.length);
    expect(await metric('s2b_cem_hold_bytes')).toBeGreaterThan(0);
    const cem = await channel();
    try {
      expect(await cem.next((f) => f['type'] === 'session.opened')).toMatchObject({
        session: { rmNodeId: rm.rmNodeId },
      });
      await expect.poll(() => messages(cem).length, { timeout: 5_000 }).toBe(sent.length);
      expect(messages(cem)).toEqual(sent);
      expect(answers(peer)).toEqual([]);
      expect(await metric('s2b_cem_hold_released_total')).toBe(sent.length);
      expect(await metric('s2b_cem_hold_messages')).toBe(0);
      expect(await metric('s2b_cem_hold_expired_total')).toBe(0);
    } finally {
      peer.close();
      cem.close();
    }
  });
});

describe('past the hold (2 s)', () => {
  const start = brokerWithHold('2');

  it('answers each message TEMPORARY_ERROR once its hold ran out, none lost, and the channel that comes later gets none', async () => {
    const { peer, metric, channel } = await start();
    const sent = [powerMeasurement(1), powerMeasurement(2), powerMeasurement(3)];
    for (const message of sent) peer.send(message);
    await expect.poll(() => answers(peer).length, { timeout: 6_000 }).toBe(sent.length);
    expect(await metric('s2b_cem_hold_expired_total')).toBe(sent.length);
    expect(answers(peer)).toEqual(
      sent.map((m) => expect.objectContaining({ subject_message_id: m.message_id, status: 'TEMPORARY_ERROR' })),
    );
    const cem = await channel();
    try {
      await cem.next((f) => f['type'] === 'session.opened');
      await sleep(500);
      expect(messages(cem)).toEqual([]);
    } finally {
      peer.close();
      cem.close();
    }
  });
});

describe('with the hold off', () => {
  const start = brokerWithHold('0');

  it("answers the RM's messages TEMPORARY_ERROR at once; a channel that connects later gets session.opened with the snapshot", async () => {
    const { rm, peer, channel } = await start();
    const message = resourceManagerDetails();
    peer.send(message);
    expect(await peer.next(isS2('ReceptionStatus'))).toMatchObject({
      status: 'TEMPORARY_ERROR',
      subject_message_id: message.message_id,
    });
    const cem = await channel();
    const opened = await cem.next((f) => f['type'] === 'session.opened');
    expect(opened).toMatchObject({ session: { rmNodeId: rm.rmNodeId, snapshot: [message] } });
    peer.close();
    expect(await cem.next((f) => f['type'] === 'session.closed')).toMatchObject({ rmNodeId: rm.rmNodeId });
    cem.close();
  });
});
