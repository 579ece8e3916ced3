import { Inject, Injectable } from '@nestjs/common';
import { NodePairingGate, PairingAttemptStore } from '#connect-state';
import { noteOnRequestLog } from '#observability';
import { CONFIG, type Config } from '#config';
import { DrainService } from '#health';
import {
  challengeResponse,
  newChallenge,
  type RequestPairingResponse,
  NEW_ATTEMPT,
  checkRequestPairing,
  parseRequestPairing,
} from '#s2-connect';
import { randomBase64 } from '#security';
import { CemNodeRepository, Clock, PairingCodeRepository } from '#store';
import { serverEndpointDescription, serverNodeDescription } from './descriptions.js';
import { RateLimits } from '../rate-limit/rate-limits.js';

/** `POST /pairing/v1/requestPairing`: the broker is the pairing server of its CEM nodes. */
@Injectable()
export class RequestPairingUseCase {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly cemNodes: CemNodeRepository,
    private readonly pairingCodes: PairingCodeRepository,
    private readonly attempts: PairingAttemptStore,
    private readonly gate: NodePairingGate,
    private readonly drain: DrainService,
    private readonly clock: Clock,
    private readonly limits: RateLimits,
  ) {}

  async execute(body: unknown): Promise<RequestPairingResponse> {
    const { request, target } = parseRequestPairing(body);
    const node =
      target.by === 'nodeId'
        ? await this.cemNodes.findById(target.value)
        : target.by === 'nodeIdAlias'
          ? await this.cemNodes.findByAlias(target.value)
          : null;
    if (node === null) {
      // Throws NodeNotFound or NoNodeIdProvided.
      checkRequestPairing(request, target, undefined);
      throw new Error('unreachable');
    }
    noteOnRequestLog({ tenantId: node.tenantId, cemNodeId: node.id });
    // Each answer lets its caller test guesses of the code offline: a node has only so many per code's
    // life. A pairing that completes gives its attempt back.
    await this.limits.pairingFailuresByNode.spend(node.id);
    const { response, expectedServerResponse } = await this.gate.run(node.id, async () => {
      const code = await this.pairingCodes.findValidToken(node.id, this.clock.now());
      const ready = node.tenant.status === 'active' && !this.drain.draining;
      const { hashingAlgorithm, token } = checkRequestPairing(request, target, { ready, token: code?.token });
      const serverHmacChallenge = newChallenge();
      const domain = this.config.hmacDomain;
      return {
        expectedServerResponse: challengeResponse(serverHmacChallenge, token, domain),
        response: {
          pairingAttemptId: randomBase64(24),
          serverNodeDescription: serverNodeDescription(node),
          serverEndpointDescription: serverEndpointDescription(node.tenant),
          selectedHmacHashingAlgorithm: hashingAlgorithm,
          clientHmacChallengeResponse: challengeResponse(request.clientHmacChallenge, token, domain),
          serverHmacChallenge,
        },
      };
    });
    // Stored once the mandatory delay is over: the attempt's 15 s run from the answer, as the RM counts them.
    await this.attempts.create(response.pairingAttemptId, {
      ...NEW_ATTEMPT,
      tenantId: node.tenantId,
      cemNodeId: node.id,
      rmNode: request.clientNodeDescription,
      rmEndpoint: request.clientEndpointDescription,
      expectedServerResponse,
    });
    return response;
  }
}
