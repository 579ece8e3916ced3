// What the route bench's driver and its load workers say to each other over the fork IPC channel
// (advanced serialization, so latency samples travel as typed arrays).

export type Target = 'broker' | 'baseline';

/** A WebSocket to open: where, and the bearer of its upgrade request if it needs one. */
export interface SocketSpec {
  readonly url: string;
  readonly bearer?: string;
}

/**
 * An RM session: opened directly (baseline), or after S2 Connect session initiation with the
 * pairing's access token (broker), on the replica listening on `port`. The broker's websocket
 * token lives 30 s, so it is fetched by the worker right before the upgrade.
 */
export type RmSpec =
  | { readonly kind: 'direct'; readonly rmNodeId: string; readonly url: string }
  | {
      readonly kind: 's2-connect';
      readonly rmNodeId: string;
      readonly cemNodeId: string;
      readonly initiateSessionUrl: string;
      readonly accessToken: string;
      readonly port: number;
    };

export type DriverMessage =
  | { readonly kind: 'open-cem'; readonly cem: SocketSpec }
  | {
      readonly kind: 'open-rms';
      readonly rms: readonly RmSpec[];
      readonly concurrency: number;
      /** The broker announces each session on the CEM channel; wait for them before measuring. */
      readonly awaitSessionOpened: boolean;
    }
  | { readonly kind: 'saturate'; readonly seconds: number; readonly window: number }
  | { readonly kind: 'rate'; readonly perSecond: number; readonly seconds: number }
  | { readonly kind: 'close' };

export interface Losses {
  /** ReceptionStatus other than OK from the relay or broker, or CEM channel `error` frames. */
  readonly rejected: number;
  /** Sent and never seen within the phase's grace period. */
  readonly lost: number;
}

export type WorkerMessage =
  | { readonly kind: 'cem-open' }
  | { readonly kind: 'rms-open'; readonly opened: number; readonly sessionsAnnounced: number; readonly ms: number }
  | ({ readonly kind: 'saturated'; readonly delivered: number; readonly elapsedMs: number } & Losses)
  | ({
      readonly kind: 'rated';
      readonly sent: number;
      readonly elapsedMs: number;
      /** One-way latencies in ms of the messages sent after the warm-up. */
      readonly rmToCemMs: Float64Array;
      readonly cemToRmMs: Float64Array;
    } & Losses)
  | { readonly kind: 'closed' }
  | { readonly kind: 'failed'; readonly message: string };

/** The other end is always our own process: its `kind` is all there is to check. */
function hasKind(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { kind?: unknown }).kind === 'string';
}

export const isDriverMessage = (value: unknown): value is DriverMessage => hasKind(value);
export const isWorkerMessage = (value: unknown): value is WorkerMessage => hasKind(value);
