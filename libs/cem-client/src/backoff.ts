// The channel's reconnection delays: the same full-jitter rule as S2 Connect's RM reconnection,
// random(0, min(max, base × 2^n)), with shorter defaults because a CEM channel is one socket per
// tenant replica, not a fleet of devices.

export interface BackoffOptions {
  /** ms; default 500. */
  readonly baseDelayMs: number;
  /** ms; default 30 000. */
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseDelayMs: 500, maxDelayMs: 30_000 };

/** The wait before reconnection attempt `attempt` (0 for the first), in ms. */
export function backoffDelayMs(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError('attempt must be an integer >= 0');
  // 2^n overflows to Infinity for large n, which min() turns into the cap.
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return random() * ceiling;
}
