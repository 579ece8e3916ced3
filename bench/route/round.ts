/** `value` rounded to `digits` decimal places. Its own module: stats and cpu both need it. */
export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
