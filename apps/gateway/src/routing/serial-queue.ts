/**
 * Runs work items one after another, in the order given. An item given while nothing is queued runs
 * at once, in the caller's turn: the common case on the hot path, a message for a session or channel
 * that is not busy registering or writing a session.opened, costs no promise.
 */
const invoke = (work: () => void | Promise<void>) => work();

export class SerialQueue {
  /** The last work's promise while any is unfinished: the queues of idle sessions hold none. */
  private tail?: Promise<void>;
  private unfinished = 0;

  constructor(private readonly onError: (error: unknown) => void) {}

  run(work: () => void | Promise<void>): void {
    this.runWith(invoke, work, undefined);
  }

  /**
   * `work(a, b)`, like `run`: on the hot path the work is a function made once and its arguments are
   * passed, so that a message costs no closure of its own.
   */
  runWith<A, B>(work: (a: A, b: B) => void | Promise<void>, a: A, b: B): void {
    if (this.unfinished === 0) {
      let result: void | Promise<void>;
      try {
        result = work(a, b);
      } catch (error) {
        this.onError(error);
        return;
      }
      if (result !== undefined) this.follow(result);
      return;
    }
    this.follow((this.tail as Promise<void>).then(() => work(a, b)));
  }

  /** Resolves once everything given so far has finished. */
  idle(): Promise<void> {
    return this.tail ?? Promise.resolve();
  }

  private follow(result: Promise<void>): void {
    this.unfinished++;
    this.tail = result.then(
      () => this.finished(),
      (error: unknown) => {
        this.finished();
        this.onError(error);
      },
    );
  }

  private finished(): void {
    // With nothing left behind it, the tail is the promise just settled: an idle queue holds none.
    if (--this.unfinished === 0) this.tail = undefined;
  }
}
