// A seeded, bounded fuzz run of WebSocket frames on both endpoints: S2 messages from an RM and CEM
// channel frames, built from valid ones by mutation, plus text that is not JSON, bytes that are not
// UTF-8, binary frames and frames over the limit. Whatever comes in, the broker answers (a
// ReceptionStatus, an error frame) or closes with the code for it, never with 1011 or by dropping the
// connection; it logs no error, keeps routing, and its memory stays bounded.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '#rm-client';
import { type Broker, startBroker } from '../support/broker.js';
import { createTenant, rmWithSession, type RmWithSession, type Tenant } from '../support/s2-connect.js';
import { connect, type Peer } from '../support/ws-peer.js';
import { anyValue, mutated, rssMiB, runs, SEED, textOf } from './fuzz-support.js';

// 1007 text that is not UTF-8, 1008 a policy the peer broke, 1009 a frame over 64 KiB, 1003 binary.
const EXPECTED_CLOSES = new Set([1003, 1007, 1008, 1009]);

let broker: Broker;
let tenant: Tenant;
let rm: RmWithSession;
let rssBefore: number;
const closes: number[] = [];

const wsUrl = (path: string) => broker.url.replace('http', 'ws') + path;

beforeAll(async () => {
  console.log(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
  broker = await startBroker();
  tenant = await createTenant(broker);
  rm = await rmWithSession(broker.url, tenant);
  rssBefore = rssMiB(broker.process.pid as number);
});

afterAll(async () => {
  await broker?.stop();
});

/** A socket of the RM: the same pairing, a new session each time the last one was closed. */
async function rmPeer(): Promise<Peer> {
  const session = await startSession({
    initiateSessionUrl: rm.initiateSessionUrl,
    accessTokens: [rm.accessToken],
    clientNodeId: rm.rmNodeId,
    serverNodeId: rm.cemNodeId,
    supportedS2MessageVersions: ['v1.0.0'],
  });
  rm.accessToken = session.accessToken;
  return connect(wsUrl('/s2/v1/ws'), session.websocketToken, { perMessageDeflate: false });
}

const cemPeer = () => connect(wsUrl('/cem/v1/ws'), tenant.jwt, { perMessageDeflate: false });

/** Some RM messages a session begins with, and CEM messages that follow. */
const rmMessages = [
  {
    message_type: 'ResourceManagerDetails',
    message_id: randomUUID(),
    resource_id: randomUUID(),
    name: 'Charger',
    roles: [{ role: 'ENERGY_CONSUMER', commodity: 'ELECTRICITY' }],
    instruction_processing_delay: 100,
    available_control_types: ['FILL_RATE_BASED_CONTROL', 'NOT_CONTROLABLE'],
    provides_forecast: false,
    provides_power_measurement_types: ['ELECTRIC.POWER.L1'],
  },
  {
    message_type: 'PowerMeasurement',
    message_id: randomUUID(),
    measurement_timestamp: new Date().toISOString(),
    values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1500 }],
  },
  { message_type: 'ReceptionStatus', subject_message_id: randomUUID(), status: 'OK' },
  { message_type: 'Handshake', message_id: randomUUID(), role: 'RM', supported_protocol_versions: ['1.0.0'] },
];
const cemMessages = [
  { message_type: 'SelectControlType', message_id: randomUUID(), control_type: 'NO_SELECTION' },
  { message_type: 'SessionRequest', message_id: randomUUID(), request: 'RECONNECT', diagnostic_label: 'x' },
  { message_type: 'ReceptionStatus', subject_message_id: randomUUID(), status: 'INVALID_DATA', diagnostic_label: 'y' },
];

/** What a peer sends: a frame as text, as bytes sent as text (maybe not UTF-8), or as a binary frame. */
type Frame = { text: string } | { bytes: Buffer; binary: boolean };

function frames(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<Frame> {
  return fc.oneof(
    { weight: 8, arbitrary: textOf(fc.oneof(valid, anyValue)).map((text) => ({ text })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.uint8Array({ maxLength: 64 }), fc.boolean())
        .map(([bytes, binary]) => ({ bytes: Buffer.from(bytes), binary })),
    },
    { weight: 1, arbitrary: fc.constant({ text: `"${'x'.repeat(70 * 1024)}"` }) },
  );
}

const rmFrames = frames(fc.constantFrom(...rmMessages).chain((m) => fc.oneof(fc.constant(m), mutated(m))));
const cemFrames = frames(
  fc
    .constantFrom(...cemMessages)
    .chain((m) => fc.oneof(fc.constant(m), mutated(m)))
    .chain((message) => {
      const frame = { type: 'message', rmNodeId: rm.rmNodeId, ref: 'fuzz', message };
      return fc.oneof(fc.constant(frame), mutated(frame));
    }),
);

function send(peer: Peer, frame: Frame): void {
  if ('text' in frame) peer.socket.send(frame.text);
  else peer.socket.send(frame.bytes, { binary: frame.binary });
}

/**
 * Sends the frames one by one on a peer it opens again whenever the broker closed it; each close is
 * recorded. Between frames it waits for the broker to have read the last one (a ping answered).
 */
async function drive(open: () => Promise<Peer>, arbitrary: fc.Arbitrary<Frame>): Promise<void> {
  let peer = await open();
  await fc.assert(
    fc.asyncProperty(arbitrary, async (frame) => {
      send(peer, frame);
      const answered = await Promise.race([
        new Promise<boolean>((done) => peer.socket.once('pong', () => done(true)).ping()),
        peer.closed.then(() => false),
      ]);
      if (!answered) {
        closes.push((await peer.closed).code);
        peer = await open();
      }
    }),
    runs(),
  );
  peer.close();
}

describe('WebSocket frames under fuzzing', () => {
  it('RM frames are answered or closed with a code that says why', async () => {
    const cem = await cemPeer();
    await drive(rmPeer, rmFrames);
    expect(closes.filter((code) => !EXPECTED_CLOSES.has(code))).toEqual([]);
    cem.close();
  }, 600_000);

  it('CEM channel frames are answered or closed with a code that says why', async () => {
    await drive(cemPeer, cemFrames);
    expect(closes.filter((code) => !EXPECTED_CLOSES.has(code))).toEqual([]);
  }, 600_000);

  it('routing works after the run, nothing was logged as an error, and memory stayed bounded', async () => {
    const cem = await cemPeer();
    const peer = await rmPeer();
    await cem.next((f) => f.type === 'session.opened', 15_000);
    const up = { ...rmMessages[0], message_id: randomUUID() };
    peer.send(up);
    expect(await cem.next((f) => f.type === 'message', 15_000)).toMatchObject({ rmNodeId: rm.rmNodeId, message: up });
    const down = { ...cemMessages[0], message_id: randomUUID() };
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: down });
    expect(await peer.next((f) => f.message_id === down.message_id, 15_000)).toEqual(down);
    peer.close();
    cem.close();

    expect(broker.process.exitCode).toBeNull();
    const errors = broker.logs().filter((line) => line.level === 'error' || line.level === 'fatal');
    expect(errors).toEqual([]);
    const rssAfter = rssMiB(broker.process.pid as number);
    console.log(
      `closes seen: ${JSON.stringify(closes)}; broker RSS ${rssBefore.toFixed(0)} -> ${rssAfter.toFixed(0)} MiB`,
    );
    expect(rssAfter - rssBefore).toBeLessThan(150);
  }, 60_000);
});
