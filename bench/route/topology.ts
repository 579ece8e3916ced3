// Where the route bench puts things: two gateway replicas, two load workers (one tenant each, with
// its CEM channel), and the RM sessions spread so that most messages cross replicas over Redis.
import type { RmSpec, SocketSpec } from './protocol.js';

export const WORKERS = 2;

/**
 * Node options of every replica, the broker's and the baseline's alike: V8's young generation capped at
 * 2 x 8 MiB, as deploy/base/deployment.yaml runs the broker. Left to grow, it reaches 32 MiB a process
 * under a burst of upgrades and is not given back while sockets keep pinging, which the idle RSS per
 * session would count.
 */
export const REPLICA_NODE_ARGS: readonly string[] = ['--max-semi-space-size=8'];

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
  /** Removes what the target left in shared stores; never throws. */
  cleanup(): Promise<void>;
}
