// Waiting for the next item of a growing list that matches: what the test peers share.

export interface Taker<T> {
  /** The next item (after those already taken) that matches, waiting up to `timeoutMs`. */
  next(match?: (item: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Call after each item pushed, so that waiting `next`s look again. */
  wake(): void;
}

export function taker<T>(items: T[], what: string): Taker<T> {
  let taken = 0;
  const waiters = new Set<() => void>();
  return {
    wake: () => {
      for (const wake of waiters) wake();
    },
    next(match = () => true, timeoutMs = 5_000) {
      return new Promise((found, fail) => {
        const look = () => {
          for (let i = taken; i < items.length; i++) {
            const item = items[i] as T;
            if (match(item)) {
              taken = i + 1;
              waiters.delete(look);
              clearTimeout(timer);
              found(item);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(look);
          fail(new Error(`no matching ${what} in ${timeoutMs} ms; got ${JSON.stringify(items.slice(taken))}`));
        }, timeoutMs);
        waiters.add(look);
        look();
      });
    },
  };
}
