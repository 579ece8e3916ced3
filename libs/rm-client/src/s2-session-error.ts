// What opening or reading an S2 WebSocket session reports. Never carries the websocket token.

export type S2SessionErrorCode =
  /** The URL is not a ws(s) URL, or the token is empty. */
  | 'INVALID_INPUT'
  /** The server answered the upgrade with an HTTP status (401 for a used or expired token). */
  | 'UPGRADE_REJECTED'
  /** No connection: refused, DNS, TLS. */
  | 'UNREACHABLE'
  /** The opening handshake did not finish in time. */
  | 'TIMEOUT'
  /** More messages came than `maxBufferedMessages` while nobody read `messages()`. */
  | 'BUFFER_OVERFLOW'
  /** `messages()` has one reader; use the `message` event for more. */
  | 'ALREADY_ITERATED';

export class S2SessionError extends Error {
  override readonly name = 'S2SessionError';
  readonly status: number | undefined;

  constructor(
    readonly code: S2SessionErrorCode,
    detail: string,
    details: { readonly status?: number; readonly cause?: unknown } = {},
  ) {
    super(detail, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
  }
}
