/**
 * Resolves `received` on the first of `signals`, and from then on swallows repeats (a Ctrl-C that reaches
 * both `npm start` and this process) until `dispose()`. Installed before the app starts, so a signal
 * during startup is a graceful shutdown too, not the default immediate exit.
 */
export class ShutdownSignal {
  readonly received: Promise<NodeJS.Signals>;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  constructor(signals: readonly NodeJS.Signals[]) {
    let resolve: (signal: NodeJS.Signals) => void = () => undefined;
    this.received = new Promise((settle) => {
      resolve = settle;
    });
    for (const signal of signals) {
      const handler = (): void => resolve(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
  }

  dispose(): void {
    for (const [signal, handler] of this.handlers) {
      process.off(signal, handler);
    }
    this.handlers.clear();
  }
}
