import { Inject, Injectable } from '@nestjs/common';
import { EventBus, pairingCreated, pairingRemoved } from '#events';
import { CONFIG, type Config } from '#config';
import { parsePairingCode } from '#s2-connect';
import { hashToken, randomBase64 } from '#security';
import { CemNodeRepository, PairingRepository } from '#store';
import type { TenantPrincipal } from '#tenant-auth';
import { CemNodeNotFoundError, PairingClientUnavailableError, PairingUrlInvalidError } from '../errors/api-error.js';
import { publicUrls, serverEndpointDescription, serverNodeDescription } from '../s2-connect/descriptions.js';
import { checkPairingUrl } from './pairing-url.js';
import type { RmPairingView } from './rm-pairing.view.js';
import { RmPairingClient } from './rm-pairing.client.js';
import { auditActor } from '../audit/audit-actor.js';

export interface PairWithRmRequest {
  cemNodeId: string;
  pairingUrl: string;
  /** `[nodeIdAlias-]token`, already matched against the specification's pattern. */
  pairingCode: string;
}

/**
 * `POST /api/v1/cem-nodes/{id}/pairings`: the CEM node pairs with a WAN RM endpoint as pairing client.
 * The broker becomes the communication server, so the pairing is stored exactly like one made through
 * its own pairing server, and only once the RM endpoint has confirmed finalizePairing.
 */
@Injectable()
export class PairWithRm {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly nodes: CemNodeRepository,
    private readonly pairings: PairingRepository,
    private readonly client: RmPairingClient,
    private readonly events: EventBus,
  ) {}

  async execute(caller: TenantPrincipal, request: PairWithRmRequest): Promise<RmPairingView> {
    const node = await this.nodes.findInTenantWithTenant(caller.tenantId, request.cemNodeId);
    if (node === null) throw new CemNodeNotFoundError();
    const pairingUrl = checkPairingUrl(request.pairingUrl, this.config.pairingClient.allowHttp);
    if (!pairingUrl.ok) throw new PairingUrlInvalidError(pairingUrl.problem);
    const fingerprint = this.config.pairingClient.caCertificateFingerprint;
    if (fingerprint === null) throw new PairingClientUnavailableError();
    const code = parsePairingCode(request.pairingCode);
    if (code === undefined) throw new Error('pairingCode was not validated');

    // Shown to the RM once, stored only as its hash: the RM's initiateSession proves itself with it.
    const accessToken = randomBase64(32);
    const { rmNode, rmEndpoint } = await this.client.pair({
      pairingUrl: pairingUrl.url,
      code,
      node: serverNodeDescription(node),
      endpoint: serverEndpointDescription(node.tenant),
      connectionDetails: {
        initiateSessionUrl: publicUrls(this.config.publicUrl).initiateSessionUrl,
        accessToken,
        // The key SHA256 must always be there; the RM pins this CA to our domain name.
        certificateFingerprint: { SHA256: fingerprint },
      },
    });
    const { pairing, removed, pairedAt } = await this.pairings.completePairing({
      tenantId: node.tenantId,
      cemNodeId: node.id,
      rmNode,
      rmEndpoint,
      accessTokenHash: hashToken(accessToken),
      audit: {
        tenantId: node.tenantId,
        ...auditActor(caller),
        action: 'pairing.created',
        subjectType: 'rm_node',
        subjectId: rmNode.id,
        // The origin only: a path could carry something the tenant did not mean to keep.
        data: { cemNodeId: node.id, pairingEndpoint: new URL(pairingUrl.url).origin },
      },
    });
    await this.events.publish([...removed.map(pairingRemoved), pairingCreated(pairing)]);
    return {
      cemNodeId: pairing.cemNodeId,
      rmNodeId: pairing.rmNodeId,
      rmNodeDescription: rmNode,
      rmEndpointDescription: rmEndpoint,
      pairedAt: pairedAt.toISOString(),
    };
  }
}
