import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.js';

describe('reconnectDelayMs', () => {
  it('draws from [0, min(600 s, 2 s x 2^n))', () => {
    const top = () => 0.999_999;
    expect(reconnectDelayMs(0, () => 0)).toBe(0);
    expect(reconnectDelayMs(0, () => 0.5)).toBe(1_000);
    expect(reconnectDelayMs(3, () => 0.5)).toBe(8_000);
    expect(reconnectDelayMs(8, top)).toBeLessThan(512_000);
    expect(reconnectDelayMs(9, () => 0.5)).toBe(300_000);
    expect(reconnectDelayMs(5_000, () => 0.5)).toBe(300_000);
  });

  it('stays within the bounds with the default random', () => {
    for (let n = 0; n < 20; n++) {
      const delay = reconnectDelayMs(n);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(600_000, 2_000 * 2 ** n));
    }
  });

  it('refuses a negative or fractional attempt', () => {
    expect(() => reconnectDelayMs(-1)).toThrow(RangeError);
    expect(() => reconnectDelayMs(1.5)).toThrow(RangeError);
  });
});
