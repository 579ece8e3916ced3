import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisService } from '#redis';
import { keys } from './keys.js';
import { COMPARE_AND_DELETE } from './scripts.js';

/** The specification's brute-force delay before `requestPairing` answers. */
export const PAIRING_DELAY_MS = 1_000;

/** How long a request may queue behind others for the same node before it is told to come back (503). */
export const PAIRING_GATE_MAX_WAIT_MS = 10_000;

const POLL_MS = 25;
/** A holder that died mid-request frees the node after this. */
const LEASE_MS = 5_000;

export class PairingGateBusyError extends Error {
  constructor() {
    super('too many pairing attempts for this node; try again soon');
    this.name = 'PairingGateBusyError';
  }
}

/**
 * One `requestPairing` per CEM node at a time across all replicas, each answered no sooner than one
 * second after it took the node: at most one answer per node per second. Different nodes do not wait
 * for each other.
 */
@Injectable()
export class NodePairingGate {
  constructor(private readonly redis: RedisService) {}

  /** Runs `work` holding the node, and resolves no sooner than PAIRING_DELAY_MS after taking it. */
  async run<T>(cemNodeId: string, work: () => Promise<T>): Promise<T> {
    const key = keys.nodePairingGate(cemNodeId);
    const owner = randomBytes(16).toString('base64');
    const deadline = Date.now() + PAIRING_GATE_MAX_WAIT_MS;
    while ((await this.redis.client.set(key, owner, 'PX', LEASE_MS, 'NX')) !== 'OK') {
      if (Date.now() >= deadline) throw new PairingGateBusyError();
      await sleep(POLL_MS + Math.floor(Math.random() * POLL_MS));
    }
    const takenAt = Date.now();
    try {
      const [result] = await Promise.allSettled([work(), sleep(PAIRING_DELAY_MS)]);
      const remaining = takenAt + PAIRING_DELAY_MS - Date.now();
      if (remaining > 0) await sleep(remaining);
      if (result.status === 'rejected') throw result.reason;
      return result.value;
    } finally {
      await this.redis.client.eval(COMPARE_AND_DELETE, 1, key, owner).catch(() => undefined);
    }
  }
}
