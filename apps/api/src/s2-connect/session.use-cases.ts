import { Inject, Injectable } from '@nestjs/common';
import { EventBus, pairingRemoved } from '#events';
import { WebsocketTokenStore } from '#connect-state';
import { CONFIG, type Config } from '#config';
import { DrainService } from '#health';
import {
  NotAcceptedError,
  SessionError,
  type InitiateSessionResponse,
  type WebSocketCommunicationDetails,
  parseInitiateSession,
  parseUnpair,
  selectSession,
} from '#s2-connect';
import { isS2JsonVersion } from '#s2-json';
import { hashToken, randomBase64 } from '#security';
import { noteOnRequestLog } from '#observability';
import { Clock, PairingRepository } from '#store';
import { publicUrls, serverEndpointDescription, serverNodeDescription } from './descriptions.js';
import { UNPARSABLE_BODY } from '#http';
import { SessionAdmission } from '#cluster';

/** The specification's limit for confirming a pending access token. */
export const PENDING_TOKEN_TTL_MS = 15_000;

/** `POST /session/v1/initiateSession`: the checks of the specification's table, in its order. */
@Injectable()
export class InitiateSessionUseCase {
  constructor(
    private readonly pairings: PairingRepository,
    private readonly drain: DrainService,
    private readonly clock: Clock,
    private readonly admission: SessionAdmission,
  ) {}

  async execute(accessToken: string | undefined, body: unknown): Promise<InitiateSessionResponse> {
    const request = parseInitiateSession(body === UNPARSABLE_BODY ? undefined : body);
    if (accessToken === undefined) throw new NotAcceptedError('no access token');
    const tokenHash = hashToken(accessToken);
    // The version and protocol are chosen before the look-up so that the pending token can be stored
    // in the same statement; a choice that fails is told only once the token has been accepted, as the
    // specification's table orders the checks.
    let selection: ReturnType<typeof selectSession> | undefined;
    let selectionError: unknown;
    try {
      selection = selectSession(request);
    } catch (error) {
      selectionError = error;
    }
    const pendingToken = randomBase64(32);
    const now = this.clock.now();
    const pending =
      selection && !this.drain.draining
        ? {
            tokenHash: hashToken(pendingToken),
            s2Version: selection.s2Version,
            now,
            expiresAt: new Date(now.getTime() + PENDING_TOKEN_TTL_MS),
            rmNode: request.clientNodeDescription,
            rmEndpoint: request.clientEndpointDescription,
          }
        : undefined;
    const { holder, node, pendingStored } = await this.pairings.initiate({
      tokenHash,
      rmNodeId: request.clientNodeId,
      cemNodeId: request.serverNodeId,
      pending,
    });
    if (holder) noteOnRequestLog(holder.pairing);
    if (
      !holder ||
      holder.pairing.rmNodeId !== request.clientNodeId ||
      holder.pairing.cemNodeId !== request.serverNodeId
    ) {
      // The table asks NoLongerPaired before the 401 checks. A tombstone holds only tokens that were
      // removed and are never issued again, so it cannot hold an active token: asking it only when the
      // token is not accepted gives the same answers with one query less per session.
      if (await this.pairings.noLongerPaired(tokenHash, request.clientNodeId, request.serverNodeId)) {
        throw new SessionError('NoLongerPaired', 'these nodes were unpaired: pair again');
      }
      throw new NotAcceptedError();
    }
    if (selectionError !== undefined || !selection) throw selectionError;
    if (!node || holder.tenant.status !== 'active' || !pending) {
      throw new SessionError('Other', 'the node cannot take sessions now: retry later');
    }
    if (!pendingStored) {
      // A session quota: asked here, before the RM's access token is replaced, so that the RM hears why
      // in S2 Connect terms.
      const { tenantId, rmNodeId } = holder.pairing;
      if ((await this.admission.admit(holder.tenant, tenantId, rmNodeId)).admission === 'quota-reached') {
        throw new SessionError('Other', "the tenant's limit of live sessions is reached: retry later");
      }
      await this.pairings.addPendingToken({ pairing: holder.pairing, ...pending });
    }
    return {
      selectedCommunicationProtocol: selection.protocol,
      selectedS2MessageVersion: selection.s2Version,
      accessToken: pendingToken,
      serverNodeDescription: serverNodeDescription(node),
      serverEndpointDescription: serverEndpointDescription(node.tenant),
    };
  }
}

/**
 * `POST /session/v1/confirmAccessToken`: activates the pending token (the old one stops working in
 * the same transaction) and hands out a single-use websocket token. If PostgreSQL fails, the error
 * surfaces as 503 (try again later) and the old token keeps working.
 */
@Injectable()
export class ConfirmAccessTokenUseCase {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly pairings: PairingRepository,
    private readonly websocketTokens: WebsocketTokenStore,
    private readonly clock: Clock,
  ) {}

  async execute(pendingToken: string | undefined): Promise<WebSocketCommunicationDetails> {
    if (pendingToken === undefined) throw new NotAcceptedError('no access token');
    const confirmed = await this.pairings.confirmPendingToken(hashToken(pendingToken), this.clock.now());
    if (!confirmed || !isS2JsonVersion(confirmed.s2Version)) throw new NotAcceptedError('not a pending access token');
    const { pairing } = confirmed;
    noteOnRequestLog(pairing);
    const websocketToken = await this.websocketTokens.issue({
      pairingId: pairing.id,
      tenantId: pairing.tenantId,
      cemNodeId: pairing.cemNodeId,
      rmNodeId: pairing.rmNodeId,
      s2Version: confirmed.s2Version,
    });
    return {
      communicationProtocol: 'WebSocket',
      websocketToken,
      websocketUrl: publicUrls(this.config.publicUrl).websocketUrl,
    };
  }
}

/** `POST /session/v1/unpair`: unpairing by the communication client (the RM). */
@Injectable()
export class UnpairUseCase {
  constructor(
    private readonly pairings: PairingRepository,
    private readonly events: EventBus,
  ) {}

  async execute(accessToken: string | undefined, body: unknown): Promise<void> {
    const request = parseUnpair(body === UNPARSABLE_BODY ? undefined : body);
    if (accessToken === undefined || request === undefined) throw new NotAcceptedError();
    const holder = await this.pairings.findByActiveToken(hashToken(accessToken));
    if (holder) noteOnRequestLog(holder.pairing);
    if (
      !holder ||
      holder.pairing.rmNodeId !== request.clientNodeId ||
      holder.pairing.cemNodeId !== request.serverNodeId
    ) {
      throw new NotAcceptedError();
    }
    const removed = await this.pairings.unpair(holder.pairing, 'unpaired-by-rm');
    if (!removed) throw new NotAcceptedError();
    await this.events.publish([pairingRemoved(removed)]);
  }
}
