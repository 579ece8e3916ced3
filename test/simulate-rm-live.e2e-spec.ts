// `s2-broker simulate-rm --keep-open --replay` against the real broker, with the CEM side driven by the
// CEM channel client library: the PV example conversation both ways, then unpairing by the tenant.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CemChannel, type BrokerFrame } from '#cem-client';
import type { S2Message } from '#s2-json';
import { loadExamples } from '#s2-json/testing';
import { type Broker, MAIN, startBroker } from './support/broker.js';
import { createCemNode, createTenant, del, issueCode } from './support/s2-connect.js';

let broker: Broker;

beforeAll(async () => {
  broker = await startBroker();
});

afterAll(async () => {
  await broker?.stop();
});

describe('simulate-rm --keep-open --replay', () => {
  it('replays the PV conversation with a CEM on the channel, and ends when the tenant unpairs it', async () => {
    const tenant = await createTenant(broker);
    const node = await createCemNode(broker.url, tenant);
    const code = await issueCode(broker.url, tenant, node);
    const frames: BrokerFrame[] = [];
    const channel = new CemChannel({ url: broker.url, getToken: () => tenant.jwt });
    channel.on('frame', (frame: BrokerFrame) => frames.push(frame));
    await channel.connect();

    const pv = loadExamples().filter((e) => e.page === 'pv');
    const rmTypes = pv.filter(
      (e) =>
        e.example.sender !== 'CEM' &&
        !['Handshake', 'SessionRequest'].includes(String(e.example.message['message_type'])),
    );
    const cemMessages = pv.filter(
      (e) => e.example.sender === 'CEM' && !String(e.example.message['message_type']).startsWith('Handshake'),
    );

    const child = spawn(
      process.execPath,
      [
        MAIN,
        'simulate-rm',
        '--pairing-url',
        code.pairingUrl,
        '--pairing-code',
        code.pairingCode,
        '--keep-open',
        '--replay',
        'pv',
        '--wait-for-cem',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: Record<string, unknown>[] = [];
    createInterface({ input: child.stdout }).on('line', (line) =>
      lines.push(JSON.parse(line) as Record<string, unknown>),
    );
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));

    const waitFor = async (check: () => boolean, what: string, ms = 15_000) => {
      const until = Date.now() + ms;
      while (!check()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(frames)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await waitFor(() => frames.some((f) => f.type === 'session.opened'), 'session.opened');
    const opened = frames.find((f) => f.type === 'session.opened');
    const rmNodeId = opened?.type === 'session.opened' ? opened.session.rmNodeId : '';
    // The CEM answers as in the example, each message once the RM's message before it arrived.
    for (const { example } of cemMessages) {
      const before = pv.indexOf(pv.find((e) => e.example === example) as (typeof pv)[number]);
      const needed = pv
        .slice(0, before)
        .filter((e) => rmTypes.includes(e))
        .map((e) => e.example.message['message_type']);
      await waitFor(
        () => needed.every((t) => frames.some((f) => f.type === 'message' && f.message.message_type === t)),
        `RM messages before ${String(example.message['message_type'])}`,
      );
      channel.send(rmNodeId, example.message as unknown as S2Message);
    }
    await waitFor(
      () =>
        rmTypes.every((e) =>
          frames.some((f) => f.type === 'message' && f.message.message_type === e.example.message['message_type']),
        ),
      'every RM message',
    );
    const received = frames.flatMap((f) => (f.type === 'message' ? [f.message] : []));
    const statuses = received.filter((m) => m.message_type === 'ReceptionStatus');
    expect(received.filter((m) => m.message_type !== 'ReceptionStatus').map((m) => m.message_type)).toEqual(
      rmTypes.map((e) => e.example.message['message_type']),
    );
    expect(lines.filter((l) => 'sent' in l && l['sent'] !== 'ReceptionStatus').map((l) => l['sent'])).toEqual(
      rmTypes.map((e) => e.example.message['message_type']),
    );
    // The RM acknowledged each of the CEM's messages.
    expect(statuses).toEqual(
      cemMessages.map(({ example }) => ({
        message_type: 'ReceptionStatus',
        subject_message_id: example.message['message_id'],
        status: 'OK',
      })),
    );
    // The RM received the CEM's messages as sent.
    for (const { example } of cemMessages) {
      expect(lines).toContainEqual(expect.objectContaining({ message_type: example.message['message_type'] }));
    }

    expect((await del(`${broker.url}/api/v1/pairings/${rmNodeId}`, tenant.jwt)).status).toBe(204);
    expect(await exited).toBe(0);
    expect(lines.at(-1)).toMatchObject({ ended: 'NoLongerPaired', rmNodeId });
    await waitFor(() => frames.some((f) => f.type === 'pairing.removed'), 'pairing.removed');
    const order = frames.map((f) => f.type).filter((t) => t === 'session.closed' || t === 'pairing.removed');
    expect(order.slice(0, 2)).toEqual(['session.closed', 'pairing.removed']);
    await channel.close();
  }, 60_000);
});
