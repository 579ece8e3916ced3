/**
 * Runs work items one after another, in the order given. An item given while nothing is queued runs
 * at once, in the caller's turn: the common case on the hot path, a message for a session or channel
 * that is not busy registering or writing a session.opened, costs no promise.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private unfinished = 0;

  constructor(private readonly onError: (error: unknown) => void) {}

  run(work: () => void | Promise<void>): void {
    if (this.unfinished === 0) {
      let result: void | Promise<void>;
      try {
        result = work();
      } catch (error) {
        this.onError(error);
        return;
      }
      if (result !== undefined) this.follow(result);
      return;
    }
    this.follow(this.tail.then(work));
  }

  /** Resolves once everything given so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }

  private follow(result: Promise<void>): void {
    this.unfinished++;
    this.tail = result.then(
      () => {
        this.unfinished--;
      },
      (error: unknown) => {
        this.unfinished--;
        this.onError(error);
      },
    );
  }
}
