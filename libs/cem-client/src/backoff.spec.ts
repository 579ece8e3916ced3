import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_BACKOFF } from './backoff.js';

describe('backoffDelayMs', () => {
  it('draws from [0, min(30 s, 500 ms x 2^n)) by default', () => {
    expect(DEFAULT_BACKOFF).toEqual({ baseDelayMs: 500, maxDelayMs: 30_000 });
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelayMs(0, DEFAULT_BACKOFF, () => 0.5)).toBe(250);
    expect(backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.5)).toBe(2_000);
    expect(backoffDelayMs(5, DEFAULT_BACKOFF, () => 0.5)).toBe(8_000);
    expect(backoffDelayMs(6, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
    expect(backoffDelayMs(10_000, DEFAULT_BACKOFF, () => 0.5)).toBe(15_000);
  });

  it('stays within the bounds with the default random', () => {
    for (let n = 0; n < 40; n++) {
      const delay = backoffDelayMs(n);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 500 * 2 ** n));
    }
  });

  it('takes other bounds', () => {
    const options = { baseDelayMs: 10, maxDelayMs: 100 };
    expect(backoffDelayMs(2, options, () => 0.999)).toBeCloseTo(39.96);
    expect(backoffDelayMs(20, options, () => 0.999)).toBeCloseTo(99.9);
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => backoffDelayMs(-1)).toThrow(RangeError);
    expect(() => backoffDelayMs(0.5)).toThrow(RangeError);
  });
});
