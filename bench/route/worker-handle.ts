// The driver's side of a load worker: one request, one answer, each wait bounded.
import type { Managed } from './processes.js';
import { isWorkerMessage, type DriverMessage, type WorkerMessage } from './protocol.js';

type Answer<K extends WorkerMessage['kind']> = Extract<WorkerMessage, { kind: K }>;

export class WorkerHandle {
  private readonly inbox: WorkerMessage[] = [];
  private wake: (() => void) | undefined;

  constructor(readonly member: Managed) {
    member.child.on('message', (message: unknown) => {
      if (!isWorkerMessage(message)) return;
      this.inbox.push(message);
      this.wake?.();
    });
    void member.exited.then(() => this.wake?.());
  }

  get name(): string {
    return this.member.name;
  }

  async ask<K extends WorkerMessage['kind']>(message: DriverMessage, kind: K, timeoutMs: number): Promise<Answer<K>> {
    if (this.member.hasExited() || !this.member.child.connected) throw new Error(`${this.name} is not running`);
    this.member.child.send(message);
    const deadline = Date.now() + timeoutMs;
    // Each turn either takes a message from the inbox or waits; the deadline ends the waiting.
    for (;;) {
      const next = this.inbox.shift();
      if (next?.kind === 'failed') throw new Error(next.message);
      if (next?.kind === kind) return next as Answer<K>;
      if (next !== undefined) continue;
      if (this.member.hasExited()) throw new Error(`${this.name} exited: ${this.member.tail.at(-1) ?? ''}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name}: no '${kind}' answer within ${Math.round(timeoutMs / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
