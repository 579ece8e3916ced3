// The RM's S2 WebSocket session, S2 Connect v1 "WebSocket based communication": opened with the
// websocketToken of confirmAccessToken as a bearer on the upgrade, JSON text frames both ways.
import { EventEmitter } from 'node:events';
import WebSocket, { type ClientOptions, type RawData } from 'ws';
import type { S2Message } from '#s2-json';
import { startHeartbeat } from '#ws-heartbeat';
import { S2SessionError } from './s2-session-error.js';

export interface OpenS2SessionOptions {
  readonly websocketUrl: string;
  /** Single use and short-lived on the server: open soon after confirmAccessToken. */
  readonly websocketToken: string;
  /** RFC 7692; default true, as S2 Connect recommends for JSON text. */
  readonly perMessageDeflate?: boolean;
  /** Default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Default 30 s (S2 Connect: every 30 s, never more than 60 s apart); 0 sends none. */
  readonly pingIntervalMs?: number;
  /** A server silent this long (no frame, ping or pong) is given up on; default 75 s; 0 never. */
  readonly idleTimeoutMs?: number;
  /** Messages kept for `messages()` until it reads them; default 1000. */
  readonly maxBufferedMessages?: number;
  /** Passed to `ws`; the Authorization header is ours. */
  readonly websocketOptions?: ClientOptions;
}

/** Checked only to be a JSON object with a string `message_type`; the server validated the rest. */
export type ReceivedS2Message = S2Message;

export interface S2SessionClose {
  readonly code: number;
  readonly reason: string;
}

export interface S2SessionEvents {
  message: [message: ReceivedS2Message];
  /** A frame that is not an S2 message; `text` is cut to 200 characters. */
  invalid: [problem: string, text: string];
  close: [code: number, reason: string];
}

const DEFAULTS = {
  handshakeTimeoutMs: 10_000,
  pingIntervalMs: 30_000,
  idleTimeoutMs: 75_000,
  maxBufferedMessages: 1_000,
};

/** Opens the session; rejects with S2SessionError (UPGRADE_REJECTED carries the HTTP status). */
export function openS2Session(options: OpenS2SessionOptions): Promise<S2Session> {
  if (!isWebSocketUrl(options.websocketUrl)) {
    return Promise.reject(new S2SessionError('INVALID_INPUT', 'websocketUrl must be a ws:// or wss:// URL'));
  }
  if (options.websocketToken === '') {
    return Promise.reject(new S2SessionError('INVALID_INPUT', 'the websocket token is empty'));
  }
  let socket: WebSocket;
  try {
    socket = new WebSocket(options.websocketUrl, {
      perMessageDeflate: options.perMessageDeflate ?? true,
      handshakeTimeout: options.handshakeTimeoutMs ?? DEFAULTS.handshakeTimeoutMs,
      ...options.websocketOptions,
      headers: { ...options.websocketOptions?.headers, authorization: `Bearer ${options.websocketToken}` },
    });
  } catch (error) {
    return Promise.reject(new S2SessionError('INVALID_INPUT', `cannot open: ${describe(error)}`, { cause: error }));
  }
  const session = new S2Session(socket, options);
  return new Promise((resolve, reject) => {
    let status: number | undefined;
    let failure: Error | undefined;
    socket.on('unexpected-response', (_request, response) => {
      status = response.statusCode;
      response.resume();
      socket.terminate();
    });
    socket.on('error', (error) => {
      failure = error;
    });
    socket.once('open', () => resolve(session));
    socket.once('close', () => {
      if (!session.wasOpen) reject(openError(status, failure));
    });
  });
}

export class S2Session extends EventEmitter<S2SessionEvents> {
  /** Resolves when the socket has closed, however that happened. */
  readonly closed: Promise<S2SessionClose>;
  private opened = false;
  private readonly queue: ReceivedS2Message[] = [];
  private buffering = true;
  private overflowed = false;
  private iterated = false;
  private ended = false;
  private wake: (() => void) | undefined;

  /** Use `openS2Session`; this takes a socket that is still connecting. */
  constructor(
    private readonly socket: WebSocket,
    private readonly options: OpenS2SessionOptions,
  ) {
    super();
    let stopHeartbeat: (() => void) | undefined;
    let idleFor: number | undefined;
    socket.on('open', () => {
      this.opened = true;
      const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs;
      const pingIntervalMs = options.pingIntervalMs ?? DEFAULTS.pingIntervalMs;
      stopHeartbeat = startHeartbeat(socket, { pingIntervalMs, idleTimeoutMs }, () => {
        idleFor = idleTimeoutMs;
        socket.terminate();
      });
    });
    // After the open, errors end in a close, which is what callers act on.
    socket.on('error', () => undefined);
    socket.on('message', (data, isBinary) => this.receive(data, isBinary));
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reasonBuffer) => {
        stopHeartbeat?.();
        const close =
          idleFor === undefined
            ? { code, reason: reasonBuffer.toString() }
            : { code: 1006, reason: `nothing from the server for ${idleFor} ms` };
        this.ended = true;
        this.wakeReader();
        resolve(close);
        if (this.opened) this.emit('close', close.code, close.reason);
      });
    });
  }

  /** Whether the socket opened at some point (it may have closed since). */
  get wasOpen(): boolean {
    return this.opened;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Whether the message was handed to an open socket. */
  send(message: S2Message): boolean {
    return this.sendRaw(JSON.stringify(message));
  }

  /** Any text, for tests of how a server answers frames that are not valid S2. */
  sendRaw(text: string): boolean {
    if (this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(text);
    return true;
  }

  /**
   * Every message received since the socket opened (kept until read, up to `maxBufferedMessages`), then
   * those that follow; ends when the socket closes. One reader per session.
   */
  async *messages(): AsyncGenerator<ReceivedS2Message, void, undefined> {
    if (this.iterated) throw new S2SessionError('ALREADY_ITERATED', 'messages() has one reader per session');
    this.iterated = true;
    try {
      for (;;) {
        if (this.overflowed) {
          throw new S2SessionError('BUFFER_OVERFLOW', 'more messages came than were kept before they were read');
        }
        const next = this.queue.shift();
        if (next !== undefined) yield next;
        else if (this.ended) return;
        else await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.buffering = false;
      this.queue.length = 0;
    }
  }

  /** Closes the socket (1000 by default); resolves when it is closed. */
  close(code = 1000, reason = ''): Promise<S2SessionClose> {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.close(code, reason);
    else if (this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
    return this.closed;
  }

  private receive(data: RawData, isBinary: boolean): void {
    const text = rawText(data);
    if (isBinary) {
      this.emit('invalid', 'a binary frame; S2 JSON is sent as text', text.slice(0, 200));
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.emit('invalid', 'not JSON', text.slice(0, 200));
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.emit('invalid', 'not a JSON object', text.slice(0, 200));
      return;
    }
    if (typeof (value as { message_type?: unknown }).message_type !== 'string') {
      this.emit('invalid', 'no string message_type', text.slice(0, 200));
      return;
    }
    const message = value as ReceivedS2Message;
    if (this.buffering) {
      if (this.queue.length >= (this.options.maxBufferedMessages ?? DEFAULTS.maxBufferedMessages)) {
        this.overflowed = true;
        this.buffering = false;
        this.queue.length = 0;
      } else {
        this.queue.push(message);
      }
      this.wakeReader();
    }
    this.emit('message', message);
  }

  private wakeReader(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

function openError(status: number | undefined, failure: Error | undefined): S2SessionError {
  if (status !== undefined) {
    return new S2SessionError('UPGRADE_REJECTED', `the server refused the WebSocket: HTTP ${status}`, { status });
  }
  if (failure?.message === 'Opening handshake has timed out') {
    return new S2SessionError('TIMEOUT', 'the WebSocket opening handshake timed out');
  }
  return new S2SessionError('UNREACHABLE', `cannot open the WebSocket: ${describe(failure)}`, { cause: failure });
}

function isWebSocketUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'wss:' || protocol === 'ws:';
  } catch {
    return false;
  }
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
