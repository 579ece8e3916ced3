// One CEM channel to the broker: a WebSocket that reconnects with backoff (and a fresh JWT) until the
// user closes it, and hands out the broker's frames typed, one event per frame type.
import { EventEmitter } from 'node:events';
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
import { channelUrl } from './channel-url.js';
import { CemClientError } from './errors.js';
import type {
  BrokerFrame,
  ChannelS2Message,
  ErrorFrame,
  MessageFrame,
  OutgoingMessageFrame,
  PairingCreatedFrame,
  PairingRemovedFrame,
  SessionClosedFrame,
  SessionOpenedFrame,
} from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import { parseBrokerFrame } from './parse-frame.js';

export interface CemChannelOptions {
  /** The channel URL (`wss://s2.example.com/cem/v1/ws`) or the broker's base URL. */
  readonly url: string;
  /** Called before every connection attempt: tenant JWTs are short-lived, a reconnect needs a fresh one. */
  readonly getToken: () => string | Promise<string>;
  /** Limits the channel to these CEM nodes (one `cemNodeId` query parameter each); default all. */
  readonly cemNodeIds?: readonly string[];
  /** Passed to `ws`; per-message deflate is on unless this turns it off. The Authorization header is ours. */
  readonly websocketOptions?: ClientOptions;
  readonly backoff?: Partial<BackoffOptions>;
  /** A connection that stayed open this long starts the backoff over; default 10 s. */
  readonly stableAfterMs?: number;
  /** Default 30 s, as S2 Connect asks of its sockets; 0 sends no pings. */
  readonly pingIntervalMs?: number;
  /** A broker silent this long (no frame, ping or pong) is given up on; default 75 s; 0 never. */
  readonly idleTimeoutMs?: number;
  /** For tests: the backoff's random(). */
  readonly random?: () => number;
}

export interface CemChannelEvents {
  open: [];
  /** Once per socket that opened; the channel reconnects afterwards unless `close()` was called. */
  close: [code: number, reason: string];
  /** Failed connection attempts and frames that could not be read; listened to or not, the channel goes on. */
  error: [error: CemClientError];
  /** Every frame, before its own event. */
  frame: [frame: BrokerFrame];
  'session.opened': [frame: SessionOpenedFrame];
  message: [frame: MessageFrame];
  'session.closed': [frame: SessionClosedFrame];
  'pairing.created': [frame: PairingCreatedFrame];
  'pairing.removed': [frame: PairingRemovedFrame];
  /** The broker's `error` frame (the `error` event is the client's own). */
  'broker.error': [frame: ErrorFrame];
  reconnecting: [attempt: number, delayMs: number];
}

const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
const DEFAULT_STABLE_AFTER_MS = 10_000;
const DEFAULT_PING_INTERVAL_MS = 30_000;
const DEFAULT_IDLE_TIMEOUT_MS = 75_000;

type State = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

interface Pending {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: CemClientError): void;
}

export class CemChannel extends EventEmitter<CemChannelEvents> {
  /** The URL connected to, with its `cemNodeId` parameters (it carries no secret). */
  readonly url: string;
  private state: State = 'idle';
  private socket: WebSocket | undefined;
  private attempt = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private firstOpen: Pending | undefined;
  private readonly backoff: BackoffOptions;

  /** Throws CemClientError INVALID_INPUT for a URL it cannot use. */
  constructor(private readonly options: CemChannelOptions) {
    super();
    this.url = channelUrl(options.url, options.cemNodeIds);
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /**
   * Resolves once the channel is open. A failed first attempt rejects and ends the channel, so that a
   * wrong URL or refused credentials show at once; once it has been open, drops are reconnected.
   */
  connect(): Promise<void> {
    if (this.firstOpen !== undefined) return this.firstOpen.promise;
    if (this.state === 'closed') return Promise.reject(new CemClientError('CLOSED', 'the channel was closed'));
    if (this.state !== 'idle') return Promise.resolve();
    this.firstOpen = pending();
    const { promise } = this.firstOpen;
    void this.dial();
    return promise;
  }

  /**
   * Whether the frame was handed to an open socket; false while the channel is down. Generic so that a
   * CEM's own typed S2 messages (interfaces, which have no index signature) go in without a cast.
   */
  send<M extends { readonly message_type: string }>(rmNodeId: string, message: M, ref?: string): boolean {
    const frame: OutgoingMessageFrame = {
      type: 'message',
      rmNodeId,
      ...(ref === undefined ? {} : { ref }),
      message: message as unknown as ChannelS2Message,
    };
    return this.sendRaw(JSON.stringify(frame));
  }

  /** Any text, for tests of how the broker answers frames that break the contract. */
  sendRaw(text: string): boolean {
    const socket = this.socket;
    if (socket?.readyState !== WebSocket.OPEN) return false;
    socket.send(text);
    return true;
  }

  /** Closes the socket and stops reconnecting for good; resolves when the socket is closed. */
  close(code = 1000, reason = ''): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.settleFirstOpen(new CemClientError('CLOSED', 'the channel was closed before it opened'));
    const socket = this.socket;
    if (socket === undefined || socket.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    });
  }

  private async dial(): Promise<void> {
    this.state = 'connecting';
    let token: string;
    try {
      token = await this.options.getToken();
      if (typeof token !== 'string' || token === '') throw new Error('it returned no token');
    } catch (error) {
      // serviceAccountToken's errors already say what failed (and keep the HTTP status): passed as they are.
      if (error instanceof CemClientError) this.failed(error);
      else
        this.failed(new CemClientError('TOKEN_UNAVAILABLE', `getToken failed: ${describe(error)}`, { cause: error }));
      return;
    }
    // close() may have come while the token was on its way.
    if (this.closedByUser()) return;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url, {
        perMessageDeflate: true,
        handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT_MS,
        ...this.options.websocketOptions,
        headers: { ...this.options.websocketOptions?.headers, authorization: `Bearer ${token}` },
      });
    } catch (error) {
      this.failed(new CemClientError('UNREACHABLE', `cannot open the channel: ${describe(error)}`, { cause: error }));
      return;
    }
    this.socket = socket;
    this.watch(socket);
  }

  private watch(socket: WebSocket): void {
    let status: number | undefined;
    let failure: Error | undefined;
    let openedAt: number | undefined;
    let idleFor: number | undefined;
    let stopHeartbeat: (() => void) | undefined;
    socket.on('unexpected-response', (_request, response) => {
      status = response.statusCode;
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.on('open', () => {
      openedAt = Date.now();
      this.state = 'open';
      const idleTimeoutMs = this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
      const pingIntervalMs = this.options.pingIntervalMs ?? DEFAULT_PING_INTERVAL_MS;
      stopHeartbeat = startHeartbeat(socket, { pingIntervalMs, idleTimeoutMs }, () => {
        idleFor = idleTimeoutMs;
        socket.terminate();
      });
      this.settleFirstOpen();
      this.emit('open');
    });
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    socket.on('close', (code, reason) => {
      stopHeartbeat?.();
      if (this.socket === socket) this.socket = undefined;
      if (openedAt === undefined) {
        this.failed(connectError(status, failure));
        return;
      }
      if (idleFor === undefined) this.emit('close', code, reason.toString());
      else this.emit('close', 1006, `nothing from the broker for ${idleFor} ms`);
      if (this.state === 'closed') return;
      if (Date.now() - openedAt >= (this.options.stableAfterMs ?? DEFAULT_STABLE_AFTER_MS)) this.attempt = 0;
      this.scheduleRetry();
    });
  }

  private receive(data: RawData, isBinary: boolean): void {
    if (isBinary) {
      this.report(new CemClientError('INVALID_FRAME', 'a binary frame; the channel speaks JSON text'));
      return;
    }
    const parsed = parseBrokerFrame(rawText(data));
    if (!parsed.ok) {
      this.report(parsed.error);
      return;
    }
    const frame = parsed.frame;
    this.emit('frame', frame);
    switch (frame.type) {
      case 'session.opened':
        this.emit('session.opened', frame);
        break;
      case 'message':
        this.emit('message', frame);
        break;
      case 'session.closed':
        this.emit('session.closed', frame);
        break;
      case 'pairing.created':
        this.emit('pairing.created', frame);
        break;
      case 'pairing.removed':
        this.emit('pairing.removed', frame);
        break;
      case 'error':
        this.emit('broker.error', frame);
        break;
    }
  }

  private failed(error: CemClientError): void {
    if (this.state === 'closed') return;
    if (this.firstOpen !== undefined) {
      this.state = 'closed';
      this.settleFirstOpen(error);
      return;
    }
    this.report(error);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    const attempt = this.attempt;
    const delayMs = backoffDelayMs(attempt, this.backoff, this.options.random);
    this.attempt += 1;
    this.state = 'waiting';
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.dial();
    }, delayMs);
    this.emit('reconnecting', attempt, delayMs);
  }

  private closedByUser(): boolean {
    return this.state === 'closed';
  }

  private settleFirstOpen(error?: CemClientError): void {
    const first = this.firstOpen;
    if (first === undefined) return;
    this.firstOpen = undefined;
    if (error === undefined) first.resolve();
    else first.reject(error);
  }

  /** An EventEmitter throws an unlistened `error`; a reconnecting channel should not take the process down. */
  private report(error: CemClientError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

function connectError(status: number | undefined, failure: Error | undefined): CemClientError {
  if (status !== undefined) {
    return new CemClientError('UPGRADE_REJECTED', `the broker refused the channel: HTTP ${status}`, { status });
  }
  return new CemClientError('UNREACHABLE', `cannot open the channel: ${describe(failure)}`, { cause: failure });
}

function describe(error: unknown): string {
  if (error === undefined) return 'the connection closed';
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function pending(): Pending {
  let resolve!: () => void;
  let reject!: (error: CemClientError) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}
