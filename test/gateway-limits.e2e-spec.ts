// The gateway's limits through real broker processes: a silent peer is dropped, a peer that does not
// read is closed as slow, HTTPS/WSS served from TLS files, and the delivery contract through a Redis
// blip between two replicas.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN, urlFor } from './support/broker.js';
import { createTenant, rmNode, RM_ENDPOINT, rmWithSession } from './support/s2-connect.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { fetchTrusting, type SelfSignedCertificate, selfSignedCertificate } from './support/tls.js';
import { connect } from './support/ws-peer.js';

type Frame = Record<string, unknown>;

const wsUrl = (broker: Broker, path: string) => broker.url.replace(/^http/, 'ws') + path;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isType = (type: string) => (frame: Frame) => frame.type === type;
const isS2 = (type: string) => (frame: Frame) => frame.message_type === type;
const sessionOf = (frame: Frame) => frame.session as { sessionId: string; rmNodeId: string };
/** The S2 message of a channel `message` frame, if it is one. */
const s2Of = (frame: Frame) => (frame.type === 'message' ? (frame.message as Frame) : undefined);

/** A TEMPORARY_ERROR ReceptionStatus: its subject, or undefined for any other frame. */
const temporaryErrorSubject = (message: Frame | undefined): string | undefined =>
  message?.message_type === 'ReceptionStatus' && message.status === 'TEMPORARY_ERROR'
    ? (message.subject_message_id as string)
    : undefined;

const measurement = () => ({
  message_type: 'PowerMeasurement',
  message_id: randomUUID(),
  measurement_timestamp: new Date().toISOString(),
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 1500 }],
});

const selectNone = () => ({
  message_type: 'SelectControlType',
  message_id: randomUUID(),
  control_type: 'NO_SELECTION',
});

async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function waitUntil(condition: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!condition() && Date.now() < until) await sleep(50);
}

/** How often each id occurs in `ids`. */
function tally(ids: Iterable<string | undefined>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of ids) if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

describe('idle peers', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker({ env: { WS_PING_INTERVAL_SECONDS: '1', WS_IDLE_TIMEOUT_SECONDS: '3' } });
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('an RM that stops answering pings is dropped; an RM that answers them stays and still routes', async () => {
    const tenant = await createTenant(broker);
    const silent = await rmWithSession(broker.url, tenant);
    const alive = await rmWithSession(broker.url, tenant);
    const cem = await connect(wsUrl(broker, '/cem/v1/ws'), tenant.jwt);
    const silentPeer = await connect(wsUrl(broker, '/s2/v1/ws'), silent.websocketToken);
    const alivePeer = await connect(wsUrl(broker, '/s2/v1/ws'), alive.websocketToken);
    const sessions = new Map<string, string>();
    for (let i = 0; i < 2; i++) {
      const { rmNodeId, sessionId } = sessionOf(await cem.next(isType('session.opened'), 15_000));
      sessions.set(rmNodeId, sessionId);
    }
    expect([...sessions.keys()].sort()).toEqual([silent.rmNodeId, alive.rmNodeId].sort());

    // The silent RM stops reading its socket: it no longer sees the broker's pings, so it answers none
    // (`ws` answers pings by itself as long as it reads). It sends nothing either.
    silentPeer.socket.pause();
    const closed = await cem.next(isType('session.closed'), 30_000);
    expect(closed).toMatchObject({
      type: 'session.closed',
      rmNodeId: silent.rmNodeId,
      cemNodeId: silent.cemNodeId,
      sessionId: sessions.get(silent.rmNodeId),
    });

    // Another idle timeout and more: the RM that only answers pings (and the channel, which does the
    // same) stay open.
    await sleep(5_000);
    expect(cem.frames.filter((f) => f.type === 'session.closed' && f.rmNodeId === alive.rmNodeId)).toEqual([]);
    const up = measurement();
    alivePeer.send(up);
    expect(await cem.next((f) => s2Of(f)?.message_id === up.message_id, 15_000)).toEqual({
      type: 'message',
      sessionId: sessions.get(alive.rmNodeId),
      rmNodeId: alive.rmNodeId,
      cemNodeId: alive.cemNodeId,
      message: up,
    });
    const down = selectNone();
    cem.send({ type: 'message', rmNodeId: alive.rmNodeId, message: down });
    expect(await alivePeer.next(isS2('SelectControlType'), 15_000)).toEqual(down);

    // The silent RM's connection was cut: once it reads again, it finds its socket closed.
    silentPeer.socket.resume();
    await within(silentPeer.closed, 15_000, 'the silent RM socket closing');
    alivePeer.close();
    cem.close();
  }, 120_000);
});

describe('slow readers', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('an RM that does not read is closed with 1013; every message for it ends delivered or TEMPORARY_ERROR', async () => {
    const tenant = await createTenant(broker);
    const rm = await rmWithSession(broker.url, tenant);
    // Without per-message deflate, what the broker buffers is what the test sends.
    const cem = await connect(wsUrl(broker, '/cem/v1/ws'), tenant.jwt, { perMessageDeflate: false });
    const rmPeer = await connect(wsUrl(broker, '/s2/v1/ws'), rm.websocketToken, { perMessageDeflate: false });
    const opened = sessionOf(await cem.next(isType('session.opened'), 15_000));
    const first = selectNone();
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: first });
    expect(await rmPeer.next(isS2('SelectControlType'), 15_000)).toEqual(first);

    // SessionRequest is valid from the CEM in any state, carries a message_id (so the broker can answer
    // it) and a free-text diagnostic_label: random text, 60,000 characters, keeps each frame under
    // 64 KiB. The kernel's socket buffers take several MiB before the broker's own buffer grows.
    const sent: string[] = [];
    let answered = false;
    cem.socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      if (temporaryErrorSubject(s2Of(frame)) !== undefined) answered = true;
    });
    const send = () => {
      const message = {
        message_type: 'SessionRequest',
        message_id: randomUUID(),
        request: 'RECONNECT',
        diagnostic_label: randomBytes(45_000).toString('base64'),
      };
      sent.push(message.message_id);
      cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message });
    };
    rmPeer.socket.pause();
    const maxMessages = 4_000; // about 240 MB, far beyond any socket buffer
    while (!answered) {
      if (sent.length >= maxMessages) throw new Error(`${sent.length} messages waiting, and no TEMPORARY_ERROR`);
      if (cem.socket.bufferedAmount > 1024 * 1024) {
        await sleep(5);
        continue;
      }
      send();
      if (sent.length % 8 === 0) await sleep(0);
    }
    // A few more while the broker closes the socket and after.
    for (let i = 0; i < 20; i++) {
      send();
      await sleep(20);
    }

    rmPeer.socket.resume();
    expect((await within(rmPeer.closed, 60_000, 'the RM socket closing')).code).toBe(1013);
    expect(await cem.next(isType('session.closed'), 30_000)).toMatchObject({
      rmNodeId: rm.rmNodeId,
      sessionId: opened.sessionId,
    });
    // The operator is told, with the session and what it held; and so is Prometheus.
    const slowLine = () => broker.stdout.find((line) => line.includes('closed as slow') && line.includes(rm.rmNodeId));
    await waitUntil(() => slowLine() !== undefined, 10_000);
    expect(JSON.parse(slowLine() as string)).toMatchObject({
      level: 'warn',
      rmNodeId: rm.rmNodeId,
      sessionId: opened.sessionId,
      bufferedBytes: expect.any(Number),
      msg: expect.stringContaining('RM closed as slow (1013)'),
    });
    const metrics = await (await fetch(`${broker.internalUrl}/metrics`)).text();
    expect(metrics).toMatch(/^s2b_slow_closes_total\{peer="rm"\} 1$/m);

    const delivered = () => tally(rmPeer.frames.filter(isS2('SessionRequest')).map((f) => f.message_id as string));
    const temporary = () => tally(cem.frames.map((f) => temporaryErrorSubject(s2Of(f))));
    await waitUntil(() => {
      const [d, t] = [delivered(), temporary()];
      return sent.every((id) => d.has(id) || t.has(id));
    }, 30_000);
    const [d, t] = [delivered(), temporary()];
    const notExactlyOnce = sent
      .map((id) => ({ id, delivered: d.get(id) ?? 0, temporaryError: t.get(id) ?? 0 }))
      .filter((o) => o.delivered + o.temporaryError !== 1);
    expect(notExactlyOnce).toEqual([]);
    const ours = new Set(sent);
    const sum = (counts: Map<string, number>) =>
      [...counts].reduce((total, [id, n]) => total + (ours.has(id) ? n : 0), 0);
    expect(sum(d) + sum(t)).toBe(sent.length);
    expect(sum(d)).toBeGreaterThan(0);
    expect(sum(t)).toBeGreaterThan(0);
    expect(cem.frames.filter(isType('error'))).toEqual([]);
    cem.close();
  }, 120_000);
});

describe('HTTPS and WSS from TLS files', () => {
  let certificate: SelfSignedCertificate;
  let broker: Broker;

  beforeAll(async () => {
    certificate = selfSignedCertificate();
    broker = await startBroker({
      tls: { certFile: certificate.certFile, keyFile: certificate.keyFile, ca: certificate.cert },
    });
  });

  afterAll(async () => {
    await broker?.stop();
    certificate?.remove();
  });

  it('answers health over https, pairs an RM, and routes both ways over wss', async () => {
    const trusted = fetchTrusting(certificate.cert);
    const ca = certificate.cert;
    expect(broker.url).toMatch(/^https:\/\/localhost:\d+$/);
    const live = await trusted(`${broker.internalUrl}/health/live`);
    expect(live.status).toBe(200);
    // Certificate verification is on: without the certificate to trust, the connection is refused.
    await expect(fetch(`${broker.internalUrl}/health/live`)).rejects.toThrow();

    const call = async (path: string, body: unknown, bearer: string, status: number) => {
      const answer = await trusted(urlFor(broker, path), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
        body: JSON.stringify(body),
      });
      const text = await answer.text();
      expect({ path, status: answer.status, text }).toMatchObject({ path, status });
      return JSON.parse(text) as Record<string, unknown>;
    };
    const tenant = await call(
      '/admin/v1/tenants',
      { name: `tls-${randomUUID().slice(0, 8)}` },
      TEST_OPERATOR_TOKEN,
      201,
    );
    const account = tenant.serviceAccount as { clientId: string; clientSecret: string };
    const token = await trusted(`${broker.url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(account),
    });
    expect(token.status).toBe(200);
    const { accessToken: jwt } = (await token.json()) as { accessToken: string };
    const node = await call('/api/v1/cem-nodes', { brand: 'Acme', type: 'EMS', modelName: 'Cloud CEM' }, jwt, 201);
    const code = await call(`/api/v1/cem-nodes/${node.id as string}/pairing-codes`, {}, jwt, 201);
    expect(code.pairingUrl).toBe(`${broker.url}/pairing/`);

    // The RM side, as a device does it, over https only.
    const rm = rmNode();
    const pairing = await pairWithCem({
      pairingUrl: code.pairingUrl as string,
      pairingCode: code.pairingCode as string,
      node: rm,
      endpoint: RM_ENDPOINT,
      fetch: trusted,
    });
    expect(pairing.initiateSessionUrl).toBe(`${broker.url}/session/`);
    const session = await startSession({
      initiateSessionUrl: pairing.initiateSessionUrl,
      accessTokens: [pairing.accessToken],
      clientNodeId: rm.id,
      serverNodeId: node.id as string,
      supportedS2MessageVersions: ['v1.0.0'],
      fetch: trusted,
    });
    expect(session.websocketUrl).toBe(`${broker.url.replace('https:', 'wss:')}/s2/v1/ws`);

    const cem = await connect(wsUrl(broker, '/cem/v1/ws'), jwt, { ca });
    const rmPeer = await connect(session.websocketUrl, session.websocketToken, { ca });
    expect(sessionOf(await cem.next(isType('session.opened'), 15_000)).rmNodeId).toBe(rm.id);
    const up = measurement();
    rmPeer.send(up);
    expect(await cem.next(isType('message'), 15_000)).toMatchObject({ rmNodeId: rm.id, message: up });
    const down = selectNone();
    cem.send({ type: 'message', rmNodeId: rm.id, message: down });
    expect(await rmPeer.next(isS2('SelectControlType'), 15_000)).toEqual(down);
    rmPeer.close();
    expect(await cem.next(isType('session.closed'), 15_000)).toMatchObject({ rmNodeId: rm.id });
    cem.close();
  }, 120_000);
});

describe('a Redis blip between two replicas', () => {
  let proxy: TcpProxy;
  let a: Broker;
  let b: Broker;

  beforeAll(async () => {
    const redis = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    proxy = await startTcpProxy(redis.hostname, Number(redis.port || 6379));
    const viaProxy = new URL(redis);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const env = { REDIS_URL: viaProxy.toString() };
    [a, b] = await Promise.all([
      startBroker({ env: { ...env, INSTANCE_ID: 'blip-a' } }),
      startBroker({ env: { ...env, INSTANCE_ID: 'blip-b' } }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.close();
  });

  it('every message sent through the blip ends delivered or TEMPORARY_ERROR, never both; then messages flow again', async () => {
    const tenant = await createTenant(b);
    const rm = await rmWithSession(b.url, tenant);
    const cem = await connect(wsUrl(b, '/cem/v1/ws'), tenant.jwt);
    const rmPeer = await connect(wsUrl(a, '/s2/v1/ws'), rm.websocketToken);
    // The brokers' warnings and errors, one line per kind with how often and when first.
    const warnings = () => {
      const kinds = new Map<string, { count: number; first: unknown }>();
      for (const [name, broker] of [['A', a] as const, ['B', b] as const]) {
        for (const line of broker.logs()) {
          if (!['warn', 'error', 'fatal'].includes(line.level as string)) continue;
          const err = line.err as { type?: string; message?: string } | undefined;
          const detail = String(line.error ?? err?.message ?? '').slice(0, 120);
          const key = `${name} ${String(line.component)} ${String(line.connection ?? '')} "${String(line.msg)}" ${detail}`;
          const kind = kinds.get(key) ?? { count: 0, first: line.time };
          kind.count += 1;
          kinds.set(key, kind);
        }
      }
      return [...kinds].map(([key, { count, first }]) => `${count}x from ${String(first)}: ${key}`);
    };
    // Before any blip: the session binds across the replicas and a message crosses Redis.
    const before = (what: string) => (error: Error) => {
      const rmSaw = JSON.stringify(rmPeer.frames);
      throw new Error(
        `${what}, before the blip: ${error.message}\nthe RM got ${rmSaw}\nbroker warnings:\n${warnings().join('\n')}`,
      );
    };
    await cem.next(isType('session.opened'), 15_000).catch(before('no session.opened on the channel (replica B)'));
    const warmUp = measurement();
    rmPeer.send(warmUp);
    await cem
      .next((f) => s2Of(f)?.message_id === warmUp.message_id, 15_000)
      .catch(before('a message from the RM (replica A) did not reach the channel (replica B)'));

    // RM (replica A) to CEM (replica B) and back, one message each way every 20 ms.
    const up: { id: string; at: number }[] = [];
    const down: { id: string; at: number }[] = [];
    let sending = true;
    const sender = (async () => {
      while (sending) {
        const measured = measurement();
        up.push({ id: measured.message_id, at: Date.now() });
        rmPeer.send(measured);
        const select = selectNone();
        down.push({ id: select.message_id, at: Date.now() });
        cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: select });
        await sleep(20);
      }
    })();
    await sleep(1_500);
    const cutAt = Date.now();
    await proxy.cut();
    await sleep(1_000);
    await proxy.restore();
    const restoredAt = Date.now();
    await sleep(4_000);
    sending = false;
    await sender;

    const outcomes = () => ({
      up: {
        delivered: tally(
          cem.frames
            .map(s2Of)
            .filter((m) => m?.message_type === 'PowerMeasurement')
            .map((m) => m?.message_id as string),
        ),
        temporary: tally(rmPeer.frames.map((f) => temporaryErrorSubject(f))),
      },
      down: {
        delivered: tally(rmPeer.frames.filter(isS2('SelectControlType')).map((f) => f.message_id as string)),
        temporary: tally(cem.frames.map((f) => temporaryErrorSubject(s2Of(f)))),
      },
    });
    const settled = () => {
      const now = outcomes();
      return (
        up.every(({ id }) => now.up.delivered.has(id) || now.up.temporary.has(id)) &&
        down.every(({ id }) => now.down.delivered.has(id) || now.down.temporary.has(id))
      );
    };
    await waitUntil(settled, 30_000);
    // Longer than the broker's delivery timeout: a late second outcome would show by now.
    await sleep(4_000);

    const final = outcomes();
    const describeOutcomes = (
      sent: { id: string; at: number }[],
      result: { delivered: Map<string, number>; temporary: Map<string, number> },
    ) =>
      sent
        .map(({ id, at }) => ({
          id,
          sentMsAfterCut: at - cutAt,
          delivered: result.delivered.get(id) ?? 0,
          temporaryError: result.temporary.get(id) ?? 0,
        }))
        .filter((o) => o.delivered + o.temporaryError !== 1);
    // Soft: both directions are reported when one fails.
    const report = `cut at ${cutAt}, restored ${restoredAt - cutAt} ms later; broker warnings:\n${warnings().join('\n')}`;
    expect.soft(describeOutcomes(up, final.up), `RM to CEM; ${report}`).toEqual([]);
    expect.soft(describeOutcomes(down, final.down), `CEM to RM; ${report}`).toEqual([]);
    const sum = (sent: { id: string }[], counts: Map<string, number>) =>
      sent.reduce((total, { id }) => total + (counts.get(id) ?? 0), 0);
    expect.soft(sum(up, final.up.delivered) + sum(up, final.up.temporary)).toBe(up.length);
    expect.soft(sum(down, final.down.delivered) + sum(down, final.down.temporary)).toBe(down.length);

    // What was delivered arrived in the order it was sent, in both directions.
    const upOrder = new Map(up.map(({ id }, i) => [id, i]));
    const upArrived = cem.frames.map((f) => upOrder.get(s2Of(f)?.message_id as string)).filter((i) => i !== undefined);
    expect(upArrived).toEqual([...upArrived].sort((x, y) => x - y));
    const downOrder = new Map(down.map(({ id }, i) => [id, i]));
    const downArrived = rmPeer.frames.map((f) => downOrder.get(f.message_id as string)).filter((i) => i !== undefined);
    expect(downArrived).toEqual([...downArrived].sort((x, y) => x - y));

    // After the blip, messages flow again both ways, on the same session.
    expect(cem.frames.filter(isType('session.closed'))).toEqual([]);
    const after = measurement();
    rmPeer.send(after);
    expect(await cem.next((f) => s2Of(f)?.message_id === after.message_id, 15_000)).toMatchObject({
      rmNodeId: rm.rmNodeId,
      message: after,
    });
    const afterDown = selectNone();
    cem.send({ type: 'message', rmNodeId: rm.rmNodeId, message: afterDown });
    expect(await rmPeer.next((f) => f.message_id === afterDown.message_id, 15_000)).toEqual(afterDown);
    expect(rmPeer.frames.filter((f) => temporaryErrorSubject(f) === after.message_id)).toEqual([]);
    rmPeer.close();
    cem.close();
  }, 120_000);
});
