// S2 Connect v1 "Reconnection strategy": delay_n = random(0, min(max_delay, base_delay × 2^n)).

export const RECONNECT_BASE_DELAY_MS = 2_000;
export const RECONNECT_MAX_DELAY_MS = 600_000;

/**
 * The wait before reconnection attempt `attempt` (0 for the first), in ms. Full jitter keeps a fleet of
 * RMs dropped at once by a broker restart from coming back at once.
 */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError('attempt must be an integer >= 0');
  // 2^n overflows to Infinity for large n, which min() turns into the cap.
  const ceiling = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** attempt);
  return random() * ceiling;
}
