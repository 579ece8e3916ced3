import { Inject, Injectable } from '@nestjs/common';
import { NodePairingGate } from '../../../../libs/connect-state/src/node-pairing-gate.js';
import { PairingAttemptStore } from '../../../../libs/connect-state/src/pairing-attempt.store.js';
import { CONFIG, type Config } from '../../../../libs/config/src/index.js';
import { DrainService } from '../../../../libs/health/src/index.js';
import { challengeResponse, newChallenge } from '../../../../libs/s2-connect/src/challenge.js';
import type { RequestPairingResponse } from '../../../../libs/s2-connect/src/generated/types.js';
import { NEW_ATTEMPT } from '../../../../libs/s2-connect/src/pairing-attempt.js';
import { checkRequestPairing, parseRequestPairing } from '../../../../libs/s2-connect/src/request-pairing.js';
import { randomBase64 } from '../../../../libs/security/src/secrets.js';
import { CemNodeRepository } from '../../../../libs/store/src/cem-node.repository.js';
import { Clock } from '../../../../libs/store/src/clock.js';
import { PairingCodeRepository } from '../../../../libs/store/src/pairing-code.repository.js';
import { serverEndpointDescription, serverNodeDescription } from './descriptions.js';

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
    return this.gate.run(node.id, async () => {
      const code = await this.pairingCodes.findValidToken(node.id, this.clock.now());
      const ready = node.tenant.status === 'active' && !this.drain.draining;
      const { hashingAlgorithm, token } = checkRequestPairing(request, target, { ready, token: code?.token });
      const pairingAttemptId = randomBase64(24);
      const serverHmacChallenge = newChallenge();
      const domain = this.config.hmacDomain;
      await this.attempts.create(pairingAttemptId, {
        ...NEW_ATTEMPT,
        tenantId: node.tenantId,
        cemNodeId: node.id,
        rmNode: request.clientNodeDescription,
        rmEndpoint: request.clientEndpointDescription,
        expectedServerResponse: challengeResponse(serverHmacChallenge, token, domain),
      });
      return {
        pairingAttemptId,
        serverNodeDescription: serverNodeDescription(node),
        serverEndpointDescription: serverEndpointDescription(node.tenant),
        selectedHmacHashingAlgorithm: hashingAlgorithm,
        clientHmacChallengeResponse: challengeResponse(request.clientHmacChallenge, token, domain),
        serverHmacChallenge,
      };
    });
  }
}
