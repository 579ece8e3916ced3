// The gateway's side of the message inspector, through the running broker and real Redis: while
// `s2b:taps` names an RM, each of its messages is published on its tap channel with the broker's
// verdict; an RM nobody watches publishes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectedMessage, inspectionKeys, TAP_TTL_MS } from '#inspection';
import { powerMeasurement } from '#s2-json/testing';
import { type Broker, startBroker } from './support/broker.js';
import { createTenant, rmWithSession } from './support/s2-connect.js';
import { connect } from './support/ws-peer.js';
import { openTestRedis } from './support/redis.js';

let broker: Broker;
const redis = openTestRedis();
const subscriber = openTestRedis();

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
  redis.disconnect();
  subscriber.disconnect();
});

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;

describe('the inspector tap', () => {
  it('publishes every message of a watched RM with its verdict, and nothing of one nobody watches', async () => {
    const tenant = await createTenant(broker);
    const watched = await rmWithSession(broker.url, tenant, ['v1.0.0']);
    const unwatched = await rmWithSession(broker.url, tenant, ['v1.0.0']);
    const cem = await connect(wsUrl('/cem/v1/ws'), tenant.jwt);
    const seen: { channel: string; entry: InspectedMessage }[] = [];
    subscriber.on('message', (channel: string, text: string) =>
      seen.push({ channel, entry: JSON.parse(text) as InspectedMessage }),
    );
    await subscriber.subscribe(inspectionKeys.tap(watched.rmNodeId), inspectionKeys.tap(unwatched.rmNodeId));
    await redis.hset(inspectionKeys.taps(), watched.rmNodeId, String(Date.now() + TAP_TTL_MS));
    const rmPeer = await connect(wsUrl('/s2/v1/ws'), watched.websocketToken);
    const otherPeer = await connect(wsUrl('/s2/v1/ws'), unwatched.websocketToken);
    try {
      await cem.next((f) => f.type === 'session.opened');
      await cem.next((f) => f.type === 'session.opened');
      // The replica reads the taps once a second.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const good = powerMeasurement(42);
      rmPeer.send(good);
      rmPeer.send({ message_type: 'PowerMeasurement', message_id: 'bad-1' });
      otherPeer.send(powerMeasurement(7));
      await expect.poll(() => seen.length, { timeout: 5_000 }).toBe(2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(seen.map((s) => s.channel)).toEqual([
        inspectionKeys.tap(watched.rmNodeId),
        inspectionKeys.tap(watched.rmNodeId),
      ]);
      expect(seen.map((s) => s.entry)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            direction: 'rm_to_cem',
            verdict: 'delivered',
            message: good,
            rmNodeId: watched.rmNodeId,
          }),
          expect.objectContaining({
            verdict: 'rejected',
            message: { message_type: 'PowerMeasurement', message_id: 'bad-1' },
            reply: expect.objectContaining({ status: 'INVALID_MESSAGE' }),
          }),
        ]),
      );
    } finally {
      await redis.hdel(inspectionKeys.taps(), watched.rmNodeId);
      rmPeer.close();
      otherPeer.close();
      cem.close();
    }
  });
});
