// `simulate-rm --keep-open` and `--replay`: the S2 WebSocket session after session initiation. With
// --keep-open it behaves as S2 Connect asks of an RM: when the session ends (a SessionRequest, a closed
// socket, a refused upgrade) it initiates a new one with its access token, backing off, until the
// server answers NoLongerPaired.
import { setTimeout as sleep } from 'node:timers/promises';
import { openS2Session, reconnectDelayMs, S2ConnectClientError, startSession, type S2Session } from '#rm-client';
import type { S2Message } from '#s2-json';
import { ReplayInbox, runReplay, type ReplayStep } from './simulate-rm-replay.js';

/** What simulate-rm prints for each session it starts. */
export interface SimulatedRm {
  rmNodeId: string;
  cemNodeId: string;
  initiateSessionUrl: string;
  accessToken: string;
  s2Version: string;
  websocketUrl: string;
  websocketToken: string;
}

export interface LiveRmOptions {
  readonly keepOpen: boolean;
  readonly replay: readonly ReplayStep[] | undefined;
  readonly supportedS2MessageVersions: readonly string[];
  /** Stops the RM (SIGINT, SIGTERM): the socket is closed and the command exits 0. */
  readonly signal: AbortSignal;
  readonly random: () => number;
  readonly waitTimeoutMs: number;
  /** One JSON line on stdout. */
  readonly print: (line: unknown) => void;
  /** One human line on stderr. */
  readonly note: (text: string) => void;
}

/** A session that lasted this long starts the backoff over. */
const STABLE_SESSION_MS = 10_000;

type Outcome =
  | { readonly kind: 'ended'; readonly reason: string; readonly stable: boolean }
  | { readonly kind: 'stopped' }
  | { readonly kind: 'failed'; readonly reason: string };

export async function runLiveRm(first: SimulatedRm, options: LiveRmOptions): Promise<number> {
  let current = first;
  let accessTokens = [first.accessToken];
  let attempt = 0;
  for (;;) {
    const outcome = await runSession(current, options);
    if (outcome.kind === 'stopped') return 0;
    if (!options.keepOpen) {
      if (outcome.kind === 'ended') return 0;
      options.note(outcome.reason);
      return 1;
    }
    if (outcome.kind === 'ended' && outcome.stable) attempt = 0;
    let reason = outcome.reason;
    for (;;) {
      const delayMs = Math.round(reconnectDelayMs(attempt, options.random));
      attempt += 1;
      options.note(`${reason}; a new session in ${delayMs} ms`);
      if (!(await wait(delayMs, options.signal))) return 0;
      try {
        const session = await startSession({
          initiateSessionUrl: current.initiateSessionUrl,
          accessTokens,
          clientNodeId: current.rmNodeId,
          serverNodeId: current.cemNodeId,
          supportedS2MessageVersions: options.supportedS2MessageVersions,
          // Until confirmAccessToken answers, either token may be the active one.
          onPendingAccessToken: (token) => {
            accessTokens = [token, ...accessTokens];
          },
        });
        accessTokens = [session.accessToken];
        current = {
          ...current,
          accessToken: session.accessToken,
          s2Version: session.selectedS2MessageVersion,
          websocketUrl: session.websocketUrl,
          websocketToken: session.websocketToken,
        };
        options.print(current);
        break;
      } catch (error) {
        if (error instanceof S2ConnectClientError && error.errorMessage === 'NoLongerPaired') {
          options.print({ ended: 'NoLongerPaired', rmNodeId: current.rmNodeId });
          return 0;
        }
        if (isFinal(error)) {
          options.note(`the session cannot be restarted: ${describe(error)}`);
          return 1;
        }
        reason = `session initiation failed: ${describe(error)}`;
      }
    }
  }
}

async function runSession(session: SimulatedRm, options: LiveRmOptions): Promise<Outcome> {
  if (options.signal.aborted) return { kind: 'stopped' };
  let s2: S2Session;
  try {
    s2 = await openS2Session({
      websocketUrl: session.websocketUrl,
      websocketToken: session.websocketToken,
      perMessageDeflate: true,
    });
  } catch (error) {
    return { kind: 'failed', reason: `the WebSocket did not open: ${describe(error)}` };
  }
  const openedAt = Date.now();
  const stop = () => void s2.close(1000, 'simulate-rm stopping');
  options.signal.addEventListener('abort', stop, { once: true });
  if (options.signal.aborted) stop();
  s2.on('invalid', (problem) => options.note(`received a frame that is not an S2 message (${problem})`));

  const inbox = new ReplayInbox();
  let request: string | undefined;
  const reading = (async () => {
    try {
      for await (const message of s2.messages()) {
        options.print(message);
        // Before the replay goes on: the CEM hears that its message arrived before what follows it.
        if (options.replay !== undefined) acknowledge(s2, message, options.print);
        inbox.add(message.message_type);
        if (message.message_type === 'SessionRequest' && request === undefined) {
          request = message.request;
          void s2.close(1000, `SessionRequest ${message.request}`);
        }
      }
    } catch (error) {
      options.note(`stopped reading: ${describe(error)}`);
      void s2.close(1011, 'simulate-rm fell behind');
    } finally {
      inbox.close();
    }
  })();

  let replayFailure: string | undefined;
  if (options.replay !== undefined) {
    try {
      await runReplay(options.replay, s2, inbox, (sent) => options.print({ sent }), options.waitTimeoutMs);
    } catch (error) {
      replayFailure = `the replay stopped: ${describe(error)}`;
      // Stopping closes the socket under a waiting replay: that is no failure to tell.
      if (options.keepOpen && !options.signal.aborted) options.note(replayFailure);
    }
  }
  if (!options.keepOpen) void s2.close(1000, 'replay done');
  await reading;
  const closed = await s2.closed;
  options.signal.removeEventListener('abort', stop);
  if (options.signal.aborted) return { kind: 'stopped' };
  if (replayFailure !== undefined && !options.keepOpen) return { kind: 'failed', reason: replayFailure };
  const reason =
    request !== undefined
      ? `the server sent SessionRequest ${request}`
      : `the socket closed (${closed.code}${closed.reason === '' ? '' : ` ${closed.reason}`})`;
  return { kind: 'ended', reason, stable: Date.now() - openedAt >= STABLE_SESSION_MS };
}

/** A replaying RM answers each CEM message with ReceptionStatus OK, as S2 asks of every message but one. */
function acknowledge(s2: S2Session, message: S2Message, print: (line: unknown) => void): void {
  const id: unknown = 'message_id' in message ? message.message_id : undefined;
  if (message.message_type === 'ReceptionStatus' || typeof id !== 'string') return;
  if (s2.sendRaw(JSON.stringify({ message_type: 'ReceptionStatus', subject_message_id: id, status: 'OK' }))) {
    print({ sent: 'ReceptionStatus' });
  }
}

/** Whether trying again cannot help: the server refused the request itself, not its timing. */
function isFinal(error: unknown): boolean {
  if (!(error instanceof S2ConnectClientError)) return false;
  if (error.code === 'INVALID_INPUT' || error.code === 'INCOMPATIBLE_API_VERSION') return true;
  const status = error.status;
  return error.code === 'REJECTED' && status !== undefined && status >= 400 && status < 500 && status !== 429;
}

/** false when stopped while waiting. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
