// Where the route bench puts things: two gateway replicas, two load workers (one tenant each, with
// its CEM channel), and the RM sessions spread so that most messages cross replicas over Redis.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gcTraceArgs } from './gc-trace.js';
import type { Inspector } from './inspector.js';
import type { RmSpec, SocketSpec } from './protocol.js';

export const WORKERS = 2;

const DEPLOYMENT = new URL('../../../deploy/base/workload/deployment.yaml', import.meta.url);

/**
 * Node options of every replica, the broker's and the baseline's alike: the young-generation cap that
 * deploy/base/workload/deployment.yaml gives the broker in NODE_OPTIONS, read from there so that the bench
 * measures what is deployed. Left to grow, V8's young generation reaches 32 MiB a process under a burst
 * of upgrades and is not given back while sockets keep pinging, which the idle RSS per session would
 * count. With BENCH_GC_TRACE_DIR set, also V8's GC trace (see gc-trace.ts).
 */
export function replicaNodeArgs(): string[] {
  const flag = /--max-semi-space-size=\d+/.exec(readFileSync(DEPLOYMENT, 'utf8'))?.[0];
  if (flag === undefined) throw new Error(`${fileURLToPath(DEPLOYMENT)} sets no --max-semi-space-size`);
  return [flag, ...gcTraceArgs()];
}

/** Messages in flight per worker at saturation; well below the broker's 1 MiB per-socket limit. */
export const SATURATION_WINDOW_PER_WORKER = 1_000;

export interface Replica {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
}

export type Replicas = readonly [Replica, Replica];

/**
 * Which replica the `index`th RM of a worker connects to: both take RMs, three of four go to A, and
 * the CEM channels are on B. Most traffic then crosses replicas over Redis, the path that has to
 * scale, and some stays local, as it does in production.
 */
export function replicaOfRm(replicas: Replicas, index: number): Replica {
  return index % 4 === 3 ? replicas[1] : replicas[0];
}

/** The replica holding every CEM channel. */
export function cemReplica(replicas: Replicas): Replica {
  return replicas[1];
}

/** How many of `total` sessions worker `worker` carries. */
export function sessionsOf(worker: number, total: number): number {
  return Math.floor(total / WORKERS) + (worker < total % WORKERS ? 1 : 0);
}

/** What a target gives the driver once its replicas run. */
export interface TargetSetup {
  readonly replicas: Replicas;
  /** Each worker's CEM channel. */
  readonly cems: readonly SocketSpec[];
  /** Each worker's RM sessions (the broker pairs them first: slow, so after the CEM channels open). */
  rms(): Promise<RmSpec[][]>;
  /** The broker announces sessions on the CEM channel; the baseline has nothing to announce. */
  readonly announcesSessions: boolean;
  /** Upgrades opened at once per worker. */
  readonly openConcurrency: number;
  /** Once every session is open: stops what the measurements do not use (the broker's API process). */
  sessionsOpen?(): Promise<void>;
  /**
   * Opens a message inspector on one busy RM (the broker only, with `--inspect 1`: its API process
   * then stays up to serve the stream). Call after the RM sessions are open.
   */
  inspect?(): Promise<Inspector>;
  /** Removes what the target left in shared stores; never throws. */
  cleanup(): Promise<void>;
}
