// The two sides of the fault suite's traffic, as real peers behave: RMs that reconnect through
// initiateSession with backoff and jitter when their socket goes (and ignore SessionRequest RECONNECT, as
// the official Python library does), and a tenant's CEM software that reconnects its channel. Each numbers
// what it sends and keeps everything it receives, so that the ledger can tell each message's outcome.
import { randomBytes, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { startSession } from '#rm-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Sent {
  readonly id: string;
  /** Which of the sender's sockets it went out on (0, 1, ...). */
  readonly socket: number;
  /** The RM a CEM's message was for. */
  readonly to?: string;
  /** When it was sent (ms since the epoch), for the window in which the broker refused messages. */
  readonly at: number;
}

/** A peer's sockets over time: how each ended (1006 for a connection that was cut). */
class Sockets {
  readonly closes: number[] = [];
  current?: WebSocket;

  get index(): number {
    return this.closes.length;
  }
}

function frameOf(data: WebSocket.RawData): Record<string, unknown> {
  return JSON.parse(data.toString()) as Record<string, unknown>;
}

export interface RmOptions {
  readonly rmNodeId: string;
  readonly cemNodeId: string;
  readonly accessToken: string;
  readonly initiateSessionUrl: string;
  /** Where to open the socket: the replica an ingress would send it to now. */
  readonly gateway: () => string;
}

/**
 * What both sides share: a socket at a time to one of the replicas, everything received kept in order,
 * reading that can stop and resume, and a way back in when the socket goes without the peer closing it.
 */
abstract class FaultPeer {
  readonly sent: Sent[] = [];
  /** Frames received, in order. */
  readonly received: Record<string, unknown>[] = [];
  readonly sockets = new Sockets();
  protected running = true;
  private reading = true;

  /** Opens a socket to `url`; resolves once it is open, and calls `comeBack` if it goes. */
  protected openSocket(url: string, bearer: string, comeBack: () => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { authorization: `Bearer ${bearer}` } });
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
      socket.once('error', reject);
      socket.once('open', () => {
        this.sockets.current = socket;
        if (!this.reading) pause(socket);
        resolve();
      });
      socket.on('message', (data) => this.received.push(frameOf(data)));
      socket.once('close', (code) => {
        if (this.sockets.current !== socket) return;
        this.sockets.current = undefined;
        this.sockets.closes.push(code);
        if (this.running) comeBack();
      });
    });
  }

  /** The open socket, if there is one. */
  protected get open(): WebSocket | undefined {
    const socket = this.sockets.current;
    return socket?.readyState === WebSocket.OPEN ? socket : undefined;
  }

  /** The peer stops reading its socket (and resumes). */
  stopReading(): void {
    this.reading = false;
    if (this.sockets.current) pause(this.sockets.current);
  }

  resumeReading(): void {
    this.reading = true;
    (this.sockets.current as { _socket?: { resume(): void } } | undefined)?._socket?.resume();
  }

  close(): void {
    this.running = false;
    this.sockets.current?.close();
  }
}

export class FaultRm extends FaultPeer {
  private tokens: string[];
  readonly sessionsStarted: number[] = [];

  constructor(private readonly options: RmOptions) {
    super();
    this.tokens = [options.accessToken];
  }

  get rmNodeId(): string {
    return this.options.rmNodeId;
  }

  /** Opens a session; resolves once the socket is open. Retries with backoff and jitter while it fails. */
  async connect(): Promise<void> {
    for (let attempt = 0; this.running; attempt++) {
      try {
        const session = await startSession({
          initiateSessionUrl: this.options.initiateSessionUrl,
          accessTokens: this.tokens,
          clientNodeId: this.options.rmNodeId,
          serverNodeId: this.options.cemNodeId,
          supportedS2MessageVersions: ['v1.0.0'],
          onPendingAccessToken: (pending) => {
            this.tokens = [...this.tokens, pending];
          },
        });
        this.tokens = [session.accessToken];
        await this.openS2(session.websocketToken);
        this.sessionsStarted.push(Date.now());
        return;
      } catch {
        // The specification's backoff: doubling from 100 ms, at most 5 s, with jitter.
        await sleep(Math.min(5_000, 100 * 2 ** attempt) * (0.5 + Math.random()));
      }
    }
  }

  private openS2(token: string): Promise<void> {
    return this.openSocket(`${this.options.gateway()}/s2/v1/ws`, token, () => void this.connect());
  }

  /**
   * Sends one numbered message if a socket is open: a PowerMeasurement, or with `padding` a SessionRequest
   * carrying that many characters (the CEM ignores it), to fill buffers fast.
   */
  send(padding = 0): void {
    const socket = this.open;
    if (!socket) return;
    const id = randomUUID();
    this.sent.push({ id, socket: this.sockets.index, at: Date.now() });
    const message =
      padding === 0
        ? {
            message_type: 'PowerMeasurement',
            message_id: id,
            measurement_timestamp: new Date().toISOString(),
            values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: this.sent.length }],
          }
        : padded(id, padding);
    socket.send(JSON.stringify(message));
  }
}

/** A SessionRequest the receiver ignores, carrying `padding` characters to fill buffers fast. */
function padded(id: string, padding: number): Record<string, unknown> {
  return { message_type: 'SessionRequest', message_id: id, request: 'RECONNECT', diagnostic_label: noise(padding) };
}

/** Characters that per-message deflate cannot shrink, so that buffers fill as fast as the count says. */
function noise(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4))
    .toString('base64')
    .slice(0, length);
}

function pause(socket: WebSocket): void {
  (socket as unknown as { _socket?: { pause(): void } })._socket?.pause();
}

export class FaultCem extends FaultPeer {
  constructor(
    private readonly jwt: () => Promise<string>,
    private readonly gateway: () => string,
    /** How long the CEM software takes to come back after its channel went. */
    private readonly reconnectMs = 1_000,
  ) {
    super();
  }

  async connect(): Promise<void> {
    while (this.running) {
      try {
        await this.openSocket(`${this.gateway()}/cem/v1/ws`, await this.jwt(), () => {
          void sleep(this.reconnectMs).then(() => this.connect());
        });
        return;
      } catch {
        await sleep(this.reconnectMs);
      }
    }
  }

  /**
   * Sends one numbered message to an RM, if the channel is open: a SelectControlType, or with `padding`
   * a SessionRequest carrying that many characters (the RM ignores it), to fill buffers fast.
   */
  send(rmNodeId: string, padding = 0): void {
    const socket = this.open;
    if (!socket) return;
    const id = randomUUID();
    this.sent.push({ id, socket: this.sockets.index, to: rmNodeId, at: Date.now() });
    const message =
      padding === 0
        ? { message_type: 'SelectControlType', message_id: id, control_type: 'NO_SELECTION' }
        : padded(id, padding);
    socket.send(JSON.stringify({ type: 'message', rmNodeId, ref: id, message }));
  }
}
