import { Injectable } from '@nestjs/common';
import type { PairingAttempt, NodeDescription, EndpointDescription } from '#s2-connect';
import { hashToken } from '#security';
import { RedisService } from '#redis';
import { keys } from './keys.js';
import { COMPARE_AND_DELETE, COMPARE_AND_SET } from './scripts.js';

/** The specification's limit: an attempt not completed in 15 seconds has failed. */
export const PAIRING_ATTEMPT_TTL_MS = 15_000;

export interface StoredPairingAttempt extends PairingAttempt {
  readonly tenantId: string;
  readonly cemNodeId: string;
  readonly rmNode: NodeDescription;
  readonly rmEndpoint: EndpointDescription;
  /** HMAC the client must send back; keeping it spares storing the pairing token here. */
  readonly expectedServerResponse: string;
  /**
   * The access token handed out by requestConnectionDetails, kept only for the attempt's last seconds
   * so that a repeated request is answered the same; the pairing stores its hash.
   */
  readonly issuedAccessToken?: string;
}

/** A stored attempt together with the exact text read, for compare-and-set. */
export interface AttemptSnapshot {
  readonly attempt: StoredPairingAttempt;
  readonly raw: string;
}

/**
 * Pairing attempts in Redis, keyed by the hash of the attempt id, expiring after 15 seconds. A
 * transition only succeeds against the version it was decided on, so concurrent requests of one
 * attempt on two replicas cannot both advance it.
 */
@Injectable()
export class PairingAttemptStore {
  constructor(private readonly redis: RedisService) {}

  async create(attemptId: string, attempt: StoredPairingAttempt): Promise<void> {
    await this.redis.client.set(
      keys.pairingAttempt(hashToken(attemptId)),
      JSON.stringify(attempt),
      'PX',
      PAIRING_ATTEMPT_TTL_MS,
    );
  }

  async read(attemptId: string): Promise<AttemptSnapshot | undefined> {
    const raw = await this.redis.client.get(keys.pairingAttempt(hashToken(attemptId)));
    return raw === null ? undefined : { raw, attempt: JSON.parse(raw) as StoredPairingAttempt };
  }

  /** false when another request changed or ended the attempt first. */
  async replace(attemptId: string, snapshot: AttemptSnapshot, next: StoredPairingAttempt): Promise<boolean> {
    const key = keys.pairingAttempt(hashToken(attemptId));
    return (await this.redis.client.eval(COMPARE_AND_SET, 1, key, snapshot.raw, JSON.stringify(next))) === 1;
  }

  /** Ends the attempt (finished or failed); false when another request ended it first. */
  async end(attemptId: string, snapshot: AttemptSnapshot): Promise<boolean> {
    const key = keys.pairingAttempt(hashToken(attemptId));
    return (await this.redis.client.eval(COMPARE_AND_DELETE, 1, key, snapshot.raw)) === 1;
  }
}
