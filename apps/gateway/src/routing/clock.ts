/**
 * Milliseconds since the epoch with sub-millisecond precision, from the monotonic clock: what the
 * routing latency is measured with, on one replica and, through the envelopes' `readAt`, across two
 * (there it is as exact as the two pods' clocks agree).
 */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Seconds since `readAt` (a `preciseNow`); never negative, whatever another replica's clock says. */
export const secondsSince = (readAt: number): number => Math.max(0, preciseNow() - readAt) / 1_000;
