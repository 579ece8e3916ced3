import { Inject, Injectable } from '@nestjs/common';
import { createHash, timingSafeEqual } from 'node:crypto';
import { EventBus, pairingCreated, pairingRemoved } from '#events';
import { noteOnRequestLog } from '#observability';
import { type AttemptSnapshot, PairingAttemptStore } from '#connect-state';
import { CONFIG, type Config } from '#config';
import {
  decodeBase64,
  PairingStepError,
  type ConnectionDetails,
  decidePairingStep,
  type PairingStepRequest,
  validateBody,
} from '#s2-connect';
import { hashToken, randomBase64 } from '#security';
import { PairingRepository } from '#store';
import { publicUrls } from './descriptions.js';
import { UNPARSABLE_BODY } from '#http';
import { RateLimits } from '../rate-limit/rate-limits.js';

function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

function sameResponse(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'base64');
  const b = decodeBase64(received);
  return b !== undefined && a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The pairing steps after requestPairing, keyed by the attempt id the client sends as a bearer token.
 * An unknown, expired, finished or failed attempt is 401; every failure ends the attempt.
 */
@Injectable()
export class PairingStepsUseCase {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly attempts: PairingAttemptStore,
    private readonly pairings: PairingRepository,
    private readonly events: EventBus,
    private readonly limits: RateLimits,
  ) {}

  async requestConnectionDetails(attemptId: string | undefined, body: unknown): Promise<ConnectionDetails> {
    const snapshot = await this.open(attemptId);
    const parsed = validateBody('RequestConnectionDetailsRequest', body === UNPARSABLE_BODY ? undefined : body);
    if (!parsed.ok) return this.fail(attemptId, snapshot, 400, `request not understood: ${parsed.problem}`);
    const request: PairingStepRequest = {
      operation: 'requestConnectionDetails',
      digest: digest(parsed.value),
      responseValid: sameResponse(snapshot.attempt.expectedServerResponse, parsed.value.serverHmacChallengeResponse),
    };
    const decision = decidePairingStep(snapshot.attempt, request);
    const { initiateSessionUrl } = publicUrls(this.config.publicUrl);
    switch (decision.kind) {
      case 'repeat-details':
        return { initiateSessionUrl, accessToken: snapshot.attempt.issuedAccessToken ?? '' };
      case 'issue-details': {
        const accessToken = randomBase64(32);
        const next = { ...snapshot.attempt, ...decision.next, issuedAccessToken: accessToken };
        if (!(await this.attempts.replace(attemptId as string, snapshot, next))) {
          // Another request of this attempt got there first; answer as the repeat it is.
          return this.requestConnectionDetails(attemptId, body);
        }
        return { initiateSessionUrl, accessToken };
      }
      case 'fail':
        return this.fail(attemptId, snapshot, decision.status, decision.reason);
      default:
        return this.fail(attemptId, snapshot, 400, 'unexpected request');
    }
  }

  async postConnectionDetails(attemptId: string | undefined): Promise<never> {
    const snapshot = await this.open(attemptId);
    const decision = decidePairingStep(snapshot.attempt, { operation: 'postConnectionDetails' });
    return this.fail(attemptId, snapshot, 400, decision.kind === 'fail' ? decision.reason : 'unexpected request');
  }

  async finalizePairing(attemptId: string | undefined, body: unknown): Promise<void> {
    const snapshot = await this.open(attemptId);
    const parsed = validateBody('FinalizePairingRequest', body === UNPARSABLE_BODY ? undefined : body);
    if (!parsed.ok) return this.fail(attemptId, snapshot, 400, `request not understood: ${parsed.problem}`);
    const decision = decidePairingStep(snapshot.attempt, {
      operation: 'finalizePairing',
      success: parsed.value.success,
    });
    switch (decision.kind) {
      case 'abandon':
        await this.end(attemptId, snapshot);
        return;
      case 'complete': {
        // End the attempt first: of two concurrent finalizations only one may store a pairing.
        await this.end(attemptId, snapshot);
        const { attempt } = snapshot;
        const { pairing, removed } = await this.pairings.completePairing({
          tenantId: attempt.tenantId,
          cemNodeId: attempt.cemNodeId,
          rmNode: attempt.rmNode,
          rmEndpoint: attempt.rmEndpoint,
          accessTokenHash: hashToken(attempt.issuedAccessToken ?? ''),
        });
        await this.events.publish([...removed.map(pairingRemoved), pairingCreated(pairing)]);
        await this.limits.pairingFailuresByNode.refund(attempt.cemNodeId);
        return;
      }
      case 'fail':
        return this.fail(attemptId, snapshot, decision.status, decision.reason);
      default:
        return this.fail(attemptId, snapshot, 400, 'unexpected request');
    }
  }

  private async open(attemptId: string | undefined): Promise<AttemptSnapshot> {
    const snapshot = attemptId === undefined ? undefined : await this.attempts.read(attemptId);
    if (!snapshot) throw new PairingStepError(401, 'pairingAttemptId not accepted');
    noteOnRequestLog(snapshot.attempt);
    return snapshot;
  }

  private async end(attemptId: string | undefined, snapshot: AttemptSnapshot): Promise<void> {
    if (!(await this.attempts.end(attemptId as string, snapshot))) {
      throw new PairingStepError(401, 'pairingAttemptId not accepted');
    }
  }

  private async fail(
    attemptId: string | undefined,
    snapshot: AttemptSnapshot,
    status: 400 | 403,
    reason: string,
  ): Promise<never> {
    await this.attempts.end(attemptId as string, snapshot);
    throw new PairingStepError(status, reason);
  }
}
