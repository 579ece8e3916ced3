// A WebSocket peer for end-to-end tests: collects every frame, and waits for the one a test expects.
import WebSocket, { type ClientOptions } from 'ws';
import { taker } from './taker.js';

export interface Peer {
  readonly socket: WebSocket;
  readonly frames: Record<string, unknown>[];
  send(value: unknown): void;
  /** The next frame (after those already taken) that matches, waiting up to `timeoutMs`. */
  next(match?: (frame: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the close code once the socket closed. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** `options` go to `ws` (a `ca` to trust, per-message deflate off); the Authorization header is ours. */
export function connect(url: string, bearer?: string, options: ClientOptions = {}): Promise<Peer> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      perMessageDeflate: true,
      ...options,
      headers: { ...options.headers, ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }) },
    });
    const frames: Record<string, unknown>[] = [];
    const frameTaker = taker(frames, 'frame');
    socket.on('message', (data) => {
      frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
      frameTaker.wake();
    });
    const closed = new Promise<{ code: number; reason: string }>((done) =>
      socket.once('close', (code, reason) => done({ code, reason: reason.toString() })),
    );
    socket.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
    );
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        frames,
        closed,
        send: (value) => socket.send(typeof value === 'string' ? value : JSON.stringify(value)),
        close: () => socket.close(),
        next: frameTaker.next,
      }),
    );
  });
}

export async function refusedStatus(url: string, bearer?: string): Promise<number> {
  try {
    const peer = await connect(url, bearer);
    peer.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
}
