// What `simulate-rm --replay` does with a worked example: the RM's own messages, in page order, each
// with a fresh message_id so that a replay can run twice in one session.
import { randomUUID } from 'node:crypto';
import type { ExampleMessage } from '#s2-json';

export type ReplayStep =
  | { readonly kind: 'send'; readonly message: Readonly<Record<string, unknown>> }
  /** Wait for the CEM's message of this type (`--wait-for-cem`). */
  | { readonly kind: 'await'; readonly messageType: string };

export interface ReplayOptions {
  /** S2 Connect sessions carry no Handshake; send the RM's anyway, as older S2 libraries do. */
  readonly withHandshake: boolean;
  /** Wait for each CEM message of the example before sending the RM messages after it. */
  readonly waitForCem: boolean;
}

/**
 * The steps of a replay. The CEM's Handshake and HandshakeResponse never come over S2 Connect, so they
 * are never waited for. SessionRequest is left out: sending it would end the session being exercised.
 */
export function replaySteps(examples: readonly ExampleMessage[], options: ReplayOptions): ReplayStep[] {
  const steps: ReplayStep[] = [];
  for (const { sender, message } of examples) {
    const type = message['message_type'] as string;
    if (type === 'SessionRequest') continue;
    if (sender === 'CEM') {
      if (options.waitForCem && type !== 'Handshake' && type !== 'HandshakeResponse') {
        steps.push({ kind: 'await', messageType: type });
      }
      continue;
    }
    if (type === 'Handshake' && !options.withHandshake) continue;
    steps.push({ kind: 'send', message });
  }
  return steps;
}

/** The message as sent: a peer may refuse or ignore a message_id it saw before. */
export function withFreshId(message: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return 'message_id' in message ? { ...message, message_id: randomUUID() } : { ...message };
}

export class ReplayError extends Error {
  override readonly name = 'ReplayError';
  constructor(
    readonly code: 'SOCKET_CLOSED' | 'WAIT_TIMEOUT',
    message: string,
  ) {
    super(message);
  }
}

/** The message types the CEM sent in this session, for `await` steps; each arrival satisfies one wait. */
export class ReplayInbox {
  private readonly arrived: string[] = [];
  private waiter:
    { readonly type: string; readonly resolve: () => void; readonly reject: (e: Error) => void } | undefined;
  private closed = false;

  add(messageType: string): void {
    if (this.waiter?.type === messageType) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve();
    } else {
      this.arrived.push(messageType);
    }
  }

  /** The session is over: a wait can no longer be satisfied. */
  close(): void {
    this.closed = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(new ReplayError('SOCKET_CLOSED', `the socket closed while waiting for ${waiter.type}`));
  }

  take(messageType: string, timeoutMs: number): Promise<void> {
    const index = this.arrived.indexOf(messageType);
    if (index >= 0) {
      this.arrived.splice(index, 1);
      return Promise.resolve();
    }
    if (this.closed) {
      return Promise.reject(new ReplayError('SOCKET_CLOSED', `the socket closed before ${messageType} came`));
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new ReplayError('WAIT_TIMEOUT', `no ${messageType} from the CEM within ${timeoutMs} ms`));
      }, timeoutMs);
      const settle = (then: () => void) => () => {
        clearTimeout(timer);
        then();
      };
      this.waiter = {
        type: messageType,
        resolve: settle(resolve),
        reject: (error) => settle(() => reject(error))(),
      };
    });
  }
}

export interface ReplayTarget {
  sendRaw(text: string): boolean;
}

/** Runs the steps; `onSent` gets each message type as it is written. */
export async function runReplay(
  steps: readonly ReplayStep[],
  target: ReplayTarget,
  inbox: ReplayInbox,
  onSent: (messageType: string) => void,
  waitTimeoutMs: number,
): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'await') {
      await inbox.take(step.messageType, waitTimeoutMs);
      continue;
    }
    const message = withFreshId(step.message);
    if (!target.sendRaw(JSON.stringify(message))) {
      throw new ReplayError('SOCKET_CLOSED', 'the socket closed during the replay');
    }
    onSent(String(message['message_type']));
  }
}
