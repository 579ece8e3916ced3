/**
 * The wait before the next try after `failedTries` failed ones (1 or more): the base, doubled after each
 * further failure, never more than `maxMs`. No jitter: one lane has one job, so retries of many
 * deliveries to one receiver do not synchronise the way independent clients would.
 */
export function webhookBackoffMs(failedTries: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(failedTries - 1, 0), 40);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}
