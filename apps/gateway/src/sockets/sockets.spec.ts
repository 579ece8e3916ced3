import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { Keepalive, markSeen, writeGathered } from './sockets.js';

/** What the keepalive touches of a socket, counting its pings. */
class FakeSocket {
  readonly OPEN = 1;
  readonly CLOSED = 3;
  readyState = 1;
  pings = 0;
  terminated = false;
  on(): this {
    return this;
  }
  ping(): void {
    this.pings++;
  }
  terminate(): void {
    this.terminated = true;
    this.readyState = this.CLOSED;
  }
}

const asWs = (socket: FakeSocket) => socket as unknown as WebSocket;

describe('Keepalive', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every socket once per interval, spread over the interval instead of all at once', () => {
    const keepalive = new Keepalive(30_000, 75_000);
    const sockets = Array.from({ length: 3_000 }, () => new FakeSocket());
    for (const socket of sockets) keepalive.add(asWs(socket));
    keepalive.start();
    let largestTick = 0;
    let before = 0;
    for (let t = 0; t < 300; t++) {
      for (const socket of sockets) markSeen(asWs(socket));
      vi.advanceTimersByTime(100);
      const total = sockets.reduce((sum, s) => sum + s.pings, 0);
      largestTick = Math.max(largestTick, total - before);
      before = total;
    }
    keepalive.stop();
    expect(sockets.every((s) => s.pings === 1)).toBe(true);
    // 3,000 sockets over 300 ticks of one 30 s interval.
    expect(largestTick).toBe(10);
  });

  it('drops a socket silent for longer than the idle timeout, and keeps one that answers', () => {
    const keepalive = new Keepalive(1_000, 3_000);
    const silent = new FakeSocket();
    const answering = new FakeSocket();
    keepalive.add(asWs(silent));
    keepalive.add(asWs(answering));
    keepalive.start();
    for (let t = 0; t < 40; t++) {
      markSeen(asWs(answering));
      vi.advanceTimersByTime(100);
    }
    keepalive.stop();
    expect(silent.terminated).toBe(true);
    expect(answering.terminated).toBe(false);
  });

  it('stops pinging a socket once it is closed', () => {
    const keepalive = new Keepalive(1_000, 3_000);
    const socket = new FakeSocket();
    keepalive.add(asWs(socket));
    keepalive.start();
    socket.readyState = socket.CLOSED;
    vi.advanceTimersByTime(5_000);
    socket.readyState = socket.OPEN;
    vi.advanceTimersByTime(5_000);
    keepalive.stop();
    expect(socket.pings).toBe(0);
  });
});

describe('writeGathered', () => {
  it('sends the frames written in one turn with one write to the TCP socket, in order', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[WebSocket]>;
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const [serverSide] = await accepted;
    await once(client, 'open');
    const received: string[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('message', (data) => {
        received.push(String(data));
        if (received.length === 50) resolve();
      }),
    );
    const raw = (serverSide as unknown as { _socket: { _write: unknown; _writev: unknown } })._socket;
    const writes = { one: 0, many: 0 };
    const write = raw._write as (...args: unknown[]) => void;
    const writev = raw._writev as (...args: unknown[]) => void;
    raw._write = (...args: unknown[]) => {
      writes.one++;
      write.apply(raw, args);
    };
    raw._writev = (...args: unknown[]) => {
      writes.many++;
      writev.apply(raw, args);
    };

    for (let i = 0; i < 50; i++) expect(writeGathered(serverSide, `frame ${i}`)).toBe(true);
    await all;

    expect(writes).toEqual({ one: 0, many: 1 });
    expect(received).toEqual(Array.from({ length: 50 }, (_, i) => `frame ${i}`));
    client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
});
