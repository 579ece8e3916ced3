// The storm's two sides: RMs that start their sessions as S2 Connect says (initiateSession,
// confirmAccessToken, the upgrade) and come back with the specification's backoff and full jitter when
// their socket goes, and the tenant's CEM channel, which tells when the broker announced each session.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { type ApiVersion, confirmAccessToken, type FetchLike, initiateSession, reconnectDelayMs } from '#rm-client';
import type { PairedRm } from '../route/broker-onboarding.js';

/** A start whose session the CEM channel never hears of counts as failed. */
const ANNOUNCE_TIMEOUT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Durations in ms of each step of a session start, over all RMs. */
export class StartTimings {
  readonly initiateSession: number[] = [];
  readonly confirmAccessToken: number[] = [];
  readonly upgrade: number[] = [];
  /** From the completed upgrade to session.opened on the CEM channel. */
  readonly announced: number[] = [];
  /** When each session start completed (session.opened seen), ms since the epoch. */
  readonly completedAt: number[] = [];
  /** Failed tries by what failed (ids left out), for telling overload (503, timeouts) from refusals. */
  readonly failureReasons = new Map<string, number>();
  /** Upgrades the CEM channel was never told of. */
  unannounced = 0;

  get failures(): number {
    let count = 0;
    for (const n of this.failureReasons.values()) count += n;
    return count;
  }
}

/**
 * The tenant's CEM channel: resolves a waiter when the broker announces an RM's session. Connects again
 * when the broker closes it (as slow, when the driver falls behind in a storm), as CEM software does: the
 * new channel takes the tenant's sessions over and hears `session.opened` of each.
 */
export class StormCem {
  private readonly waiters = new Map<string, () => void>();
  private socket?: WebSocket;
  private closing = false;
  /** Times the broker closed the channel. */
  closes = 0;

  async open(url: string, jwt: string): Promise<void> {
    const socket = new WebSocket(url, { headers: { authorization: `Bearer ${jwt}` } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`CEM channel upgrade ${res.statusCode}`)));
    });
    socket.once('close', (code, reason) => {
      if (this.closing) return;
      this.closes++;
      process.stderr.write(
        `bench storm: the broker closed the CEM channel (${code} ${reason.toString()}); connecting again\n`,
      );
      void this.reopen(url, jwt);
    });
    socket.on('message', (data: Buffer) => {
      // Most frames of a storm are other kinds; parsing only these keeps the driver's reader ahead.
      if (data.indexOf('"session.opened"') === -1) return;
      const frame = JSON.parse(data.toString()) as { type?: string; session?: { rmNodeId?: string } };
      if (frame.type !== 'session.opened') return;
      const rm = frame.session?.rmNodeId ?? '';
      this.waiters.get(rm)?.();
      this.waiters.delete(rm);
    });
    this.socket = socket;
  }

  private async reopen(url: string, jwt: string): Promise<void> {
    while (!this.closing) {
      await sleep(1_000);
      try {
        return await this.open(url, jwt);
      } catch {
        // The replica may be the one that went: try again.
      }
    }
  }

  /** Resolves when the next session.opened of `rmNodeId` arrives; rejects if none comes in time. */
  announced(rmNodeId: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(rmNodeId);
        reject(new Error(`no session.opened for ${rmNodeId} within ${ANNOUNCE_TIMEOUT_MS / 1000} s`));
      }, ANNOUNCE_TIMEOUT_MS);
      this.waiters.set(rmNodeId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.closing = true;
    this.socket?.close();
  }
}

export class StormRm {
  private socket?: WebSocket;
  private running = true;
  private accessToken: string;

  constructor(
    private readonly rm: PairedRm,
    private readonly apiVersion: ApiVersion,
    private readonly cem: StormCem,
    private readonly fetch: FetchLike,
  ) {
    this.accessToken = rm.accessToken;
  }

  /** One session start, timed step by step; false when a step failed. */
  async start(gatewayUrl: () => string, timings: StartTimings): Promise<boolean> {
    const endpoint = { initiateSessionUrl: this.rm.initiateSessionUrl, apiVersion: this.apiVersion, fetch: this.fetch };
    try {
      let at = performance.now();
      const initiated = await initiateSession({
        ...endpoint,
        accessTokens: [this.accessToken],
        clientNodeId: this.rm.rmNodeId,
        serverNodeId: this.rm.cemNodeId,
        supportedS2MessageVersions: ['v1.0.0'],
      });
      timings.initiateSession.push(performance.now() - at);
      at = performance.now();
      const details = await confirmAccessToken({ ...endpoint, pendingAccessToken: initiated.pendingAccessToken });
      timings.confirmAccessToken.push(performance.now() - at);
      this.accessToken = initiated.pendingAccessToken;
      at = performance.now();
      const announced = this.cem.announced(this.rm.rmNodeId);
      // Awaited below; if the upgrade fails first, its rejection is no one's.
      announced.catch(() => undefined);
      await this.upgrade(gatewayUrl(), details.websocketToken);
      const upgraded = performance.now();
      timings.upgrade.push(upgraded - at);
      await announced.catch((error: unknown) => {
        timings.unannounced++;
        throw error;
      });
      timings.announced.push(performance.now() - upgraded);
      timings.completedAt.push(Date.now());
      return true;
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error))
        .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '<id>')
        .slice(0, 120);
      timings.failureReasons.set(reason, (timings.failureReasons.get(reason) ?? 0) + 1);
      return false;
    }
  }

  /** Starts until it succeeds, waiting as the specification's reconnection strategy says between tries. */
  async comeBack(gatewayUrl: () => string, timings: StartTimings): Promise<void> {
    for (let attempt = 0; this.running; attempt++) {
      await sleep(reconnectDelayMs(attempt));
      if (await this.start(gatewayUrl, timings)) return;
    }
  }

  /** When the socket goes without the RM closing it, come back through `gatewayUrl`. */
  onLost(gatewayUrl: () => string, timings: StartTimings, back: () => void): void {
    this.socket?.once('close', () => {
      if (this.running) void this.comeBack(gatewayUrl, timings).then(back);
    });
  }

  close(): void {
    this.running = false;
    this.socket?.terminate();
  }

  private upgrade(url: string, token: string): Promise<void> {
    const socket = new WebSocket(`${url}/s2/v1/ws`, { headers: { authorization: `Bearer ${token}` } });
    socket.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        this.socket = socket;
        resolve();
      });
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade ${res.statusCode}`)));
      socket.once('close', () => reject(new Error('closed during the upgrade')));
    });
  }
}

/** Bare upgrades against the baseline server, `concurrency` at a time: upgrades per second. */
export async function bareUpgrades(url: string, count: number, concurrency: number): Promise<number> {
  const sockets: WebSocket[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        const socket = new WebSocket(url);
        await new Promise((resolve, reject) => {
          socket.once('open', resolve);
          socket.once('error', reject);
        });
        sockets.push(socket);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.terminate();
  return count / seconds;
}
