// What the CEM channel client reports. Messages never carry the tenant JWT: they end up in logs.

export type CemClientErrorCode =
  /** The options cannot make a channel (a URL that is not ws(s) or http(s)). */
  | 'INVALID_INPUT'
  /** The broker sent something that is not a frame of the contract. */
  | 'INVALID_FRAME'
  /** A well-formed frame of a type this client does not know (a newer broker); safe to ignore. */
  | 'UNKNOWN_FRAME_TYPE'
  /** The broker answered the upgrade with an HTTP status instead of 101; `status` says which. */
  | 'UPGRADE_REJECTED'
  /** No WebSocket: connection refused, DNS, TLS, handshake timeout. */
  | 'UNREACHABLE'
  /** `getToken` threw or returned something other than a non-empty string. */
  | 'TOKEN_UNAVAILABLE'
  /** `close()` was called before the channel opened. */
  | 'CLOSED';

export interface CemClientErrorDetails {
  readonly status?: number;
  readonly cause?: unknown;
}

export class CemClientError extends Error {
  override readonly name = 'CemClientError';
  readonly status: number | undefined;

  constructor(
    readonly code: CemClientErrorCode,
    detail: string,
    details: CemClientErrorDetails = {},
  ) {
    super(
      detail.replace(/\s*[\r\n]+\s*/g, ' ').trim(),
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.status = details.status;
  }
}
