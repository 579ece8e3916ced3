// Runs timed tasks with bounded concurrency and summarises their latencies.

export type Outcome<R> =
  | { readonly ok: true; readonly value: R; readonly ms: number }
  | { readonly ok: false; readonly error: unknown; readonly ms: number };

export interface Timed<R> {
  readonly outcomes: Outcome<R>[];
  readonly wallMs: number;
}

/** `task` for every item, at most `concurrency` at once; never rejects, failures are outcomes. */
export async function runPool<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Timed<R>> {
  const outcomes: Outcome<R>[] = new Array<Outcome<R>>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      const start = performance.now();
      try {
        const value = await task(items[index] as T, index);
        outcomes[index] = { ok: true, value, ms: performance.now() - start };
      } catch (error) {
        outcomes[index] = { ok: false, error, ms: performance.now() - start };
      }
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { outcomes, wallMs: performance.now() - start };
}

export interface Summary {
  ok: number;
  failed: number;
  wallSeconds: number;
  perSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
}

/** Rate of successes over wall time; percentiles (nearest rank) over the successes. */
export function summarise<R>(timed: Timed<R>): Summary {
  const ms = timed.outcomes
    .filter((o) => o.ok)
    .map((o) => o.ms)
    .sort((a, b) => a - b);
  const pct = (p: number) =>
    ms.length === 0 ? 0 : (ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)] ?? 0);
  const wallSeconds = timed.wallMs / 1000;
  return {
    ok: ms.length,
    failed: timed.outcomes.length - ms.length,
    wallSeconds: round(wallSeconds, 3),
    perSecond: wallSeconds > 0 ? round(ms.length / wallSeconds, 1) : 0,
    latencyMs: { p50: round(pct(50), 1), p99: round(pct(99), 1), max: round(ms.at(-1) ?? 0, 1) },
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The first failure of a run, as one line, or undefined when nothing failed. */
export function firstError(timed: Timed<unknown>): string | undefined {
  const failed = timed.outcomes.find((o) => !o.ok);
  if (failed === undefined || failed.ok) return undefined;
  return failed.error instanceof Error ? failed.error.message : String(failed.error);
}
