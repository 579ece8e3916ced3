/**
 * A task run every `everyMs`, one run at a time: a run that outlasts the interval delays the next
 * rather than overlapping it. `stop` waits for the run under way, so that shutdown does not cut it.
 * The task logs its own failures; one that throws anyway does not stop the next runs.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly everyMs: number,
    private readonly task: () => Promise<void>,
  ) {}

  start({ runNow }: { runNow: boolean }): void {
    const run = () => {
      this.running = this.running.then(this.task).catch(() => undefined);
    };
    if (runNow) run();
    this.timer = setInterval(run, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
