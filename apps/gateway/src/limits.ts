/** Frames larger than this close the socket with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** A peer that does not read is closed once this much waits for it; what would go past it is refused. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/**
 * A peer is closed as slow when a message written to it has waited this long to reach the kernel (a
 * reader that reads a trickle). With SLOW_CLOSE_GRACE_MS it bounds how long a message can wait before
 * it is settled, well inside the time a sender on another replica waits for an answer
 * (DELIVERY_TIMEOUT_MS x (OUTCOME_QUERIES + 1)).
 */
export const MAX_UNFLUSHED_MS = 5_000;
/** How long a peer closed as slow has to read what waits for it and the close frame. */
export const SLOW_CLOSE_GRACE_MS = 5_000;
/** How long a message sent to another replica may wait for its outcome before TEMPORARY_ERROR. */
export const DELIVERY_TIMEOUT_MS = 3_000;
/**
 * A message older than this when it reaches the other replica is not delivered but answered `gone`:
 * its sender may be about to give up on it, and a message must not end both delivered and answered
 * TEMPORARY_ERROR. The second between the two absorbs clock skew and the acknowledgement's way back.
 */
export const DELIVER_WITHIN_MS = 2_000;
/** How long a new RM session waits for its CEM channel binding before its first message is handled. */
export const BIND_WAIT_MS = 2_000;

/** WebSocket close codes the gateway uses. */
export const CLOSE = {
  normal: 1000,
  goingAway: 1001,
  policy: 1008,
  tooBig: 1009,
  serviceRestart: 1012,
  tryAgainLater: 1013,
  replaced: 4000,
  unpaired: 4001,
  /** The tenant was suspended (RM sessions and CEM channels) or deleted (CEM channels). */
  tenantUnavailable: 4003,
  /** The service account whose JWT opened the CEM channel was revoked. */
  credentialsRevoked: 4004,
} as const;

/**
 * Per-message deflate, sized for tens of thousands of sockets. Without context takeover, `ws` applies
 * the threshold and a socket's zlib state holds no
 * history between messages; a 1 KiB window and memLevel 4 keep that state near 12 KiB instead of the
 * 130 KiB of zlib's defaults, at a little compression ratio. The client's window is left to the client:
 * demanding one it did not offer would fail its handshake.
 */
export const PER_MESSAGE_DEFLATE = {
  // Most S2 messages and CEM channel frames are a few hundred bytes, where deflate saves a few hundred
  // bytes at a high price: compressing them was over a quarter of a CEM channel replica's CPU at
  // saturation. Snapshots, system descriptions and long instruction lists are compressed.
  threshold: 1024,
  serverNoContextTakeover: true,
  serverMaxWindowBits: 10,
  zlibDeflateOptions: { memLevel: 4 },
  concurrencyLimit: 4,
} as const;
