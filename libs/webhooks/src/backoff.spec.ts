import { describe, expect, it } from 'vitest';
import { webhookBackoffMs } from './backoff.js';

describe('webhookBackoffMs', () => {
  it('starts at the base and doubles after each failed try', () => {
    expect([1, 2, 3, 4, 5].map((tries) => webhookBackoffMs(tries, 10_000, 3_600_000))).toEqual([
      10_000, 20_000, 40_000, 80_000, 160_000,
    ]);
  });

  it('never exceeds the maximum, however many tries failed', () => {
    expect(webhookBackoffMs(10, 10_000, 3_600_000)).toBe(3_600_000);
    expect(webhookBackoffMs(1_000, 100, 1_000)).toBe(1_000);
  });

  it('treats nonsense counts as the first failure', () => {
    expect(webhookBackoffMs(0, 100, 1_000)).toBe(100);
  });
});
