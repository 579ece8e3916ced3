// The broker's CEM node as S2 Connect pairing client of an RM endpoint ("Pairing interaction" steps 1
// to 10 with 6B-8B: the broker becomes the communication server). The protocol checks are the pure
// ones of libs/s2-connect; the HTTP (timeouts, no redirects, bounded bodies) is the RM client's.
import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, type Config } from '#config';
import {
  selectApiVersion,
  type ClientStep,
  S2ConnectClientError,
  call,
  type HttpAnswer,
  operationUrl,
} from '#rm-client';
import {
  challengeResponse,
  domainOf,
  newChallenge,
  type ConnectionDetails,
  type EndpointDescription,
  type NodeDescription,
  checkRequestPairingResponse,
  communicationServerRole,
  requestPairingBody,
  type PairingCode,
  validateBody,
} from '#s2-connect';
import { S2_JSON_VERSIONS } from '#s2-json';
import { ApiErrorCode, type PeerAnswer, PeerPairingError } from '../errors/api-error.js';

/** A pairing attempt lives 15 s from the moment its pairingAttemptId is issued. */
const PAIRING_ATTEMPT_MS = 15_000;

/** The server's free text goes back to the caller; a peer is not to fill our answers. */
const MAX_ADDITIONAL_INFO = 500;

export interface RmPairingRequest {
  /** The RM endpoint's pairing URL, already checked, with its trailing slash. */
  readonly pairingUrl: string;
  readonly code: PairingCode;
  /** Our CEM node and endpoint, as they present themselves. */
  readonly node: NodeDescription;
  readonly endpoint: EndpointDescription;
  /** What the broker posts: its initiateSessionUrl, a fresh access token, its CA's fingerprint. */
  readonly connectionDetails: ConnectionDetails;
}

export interface PairedRm {
  readonly rmNode: NodeDescription;
  readonly rmEndpoint: EndpointDescription;
}

@Injectable()
export class RmPairingClient {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** Resolves once the RM endpoint answered finalizePairing with 204; throws a PeerPairingError. */
  async pair(request: RmPairingRequest): Promise<PairedRm> {
    try {
      return await this.run(request);
    } catch (error) {
      throw error instanceof S2ConnectClientError ? fromClientError(error) : error;
    }
  }

  private async run(request: RmPairingRequest): Promise<PairedRm> {
    const base = request.pairingUrl;
    const timeoutMs = this.config.pairingClient.timeoutMs;
    const version = await selectApiVersion(base, { timeoutMs });
    const url = (operation: string) => operationUrl(base, version, operation);
    // D is the host the user named: an endpoint that answers for another name fails the HMAC.
    const domain = domainOf(base);

    const clientHmacChallenge = newChallenge();
    const body = requestPairingBody({
      node: request.node,
      endpoint: request.endpoint,
      code: request.code,
      clientHmacChallenge,
      supportedCommunicationProtocols: ['WebSocket'],
      supportedS2MessageVersions: S2_JSON_VERSIONS,
    });
    const answer = await call('requestPairing', url('requestPairing'), { method: 'POST', body, timeoutMs });
    if (answer.status !== 200) throw refusedPairing(answer);
    const attemptEnds = Date.now() + PAIRING_ATTEMPT_MS;
    const deadline = (step: ClientStep) => Math.min(timeoutMs, remaining(step, attemptEnds));

    const checked = checkRequestPairingResponse(answer.json, {
      clientHmacChallenge,
      token: request.code.token,
      domain,
      serverRole: 'RM',
    });
    if (!checked.ok) {
      if (checked.pairingAttemptId !== undefined) await this.abandon(url('finalizePairing'), checked.pairingAttemptId);
      throw responseProblem(checked.problem, checked.detail);
    }
    const { pairingAttemptId, serverNodeDescription, serverEndpointDescription, serverHmacChallenge } =
      checked.response;
    const abandonWith = async (error: Error): Promise<never> => {
      await this.abandon(url('finalizePairing'), pairingAttemptId);
      throw error;
    };
    if (communicationServerRole(request.endpoint.deployment, serverEndpointDescription.deployment) !== 'CEM') {
      // Only a LAN CEM serves a WAN RM; the broker is never in a LAN.
      return abandonWith(refused('the RM endpoint would have to be the communication server'));
    }

    let posted: HttpAnswer;
    try {
      posted = await call('postConnectionDetails', url('postConnectionDetails'), {
        method: 'POST',
        body: {
          serverHmacChallengeResponse: challengeResponse(serverHmacChallenge, request.code.token, domain),
          connectionDetails: request.connectionDetails,
        },
        bearer: pairingAttemptId,
        timeoutMs: deadline('postConnectionDetails'),
      });
    } catch (error) {
      return abandonWith(error instanceof S2ConnectClientError ? fromClientError(error) : (error as Error));
    }
    if (posted.status !== 204) {
      const error = postRejected(posted);
      // 400, 401 and 403 end the attempt on the server's side already; anything else may not have.
      if ([400, 401, 403].includes(posted.status)) throw error;
      return abandonWith(error);
    }

    const finalized = await call('finalizePairing', url('finalizePairing'), {
      method: 'POST',
      body: { success: true },
      bearer: pairingAttemptId,
      timeoutMs: deadline('finalizePairing'),
    });
    if (finalized.status !== 204) {
      throw peerFailed(`the RM endpoint answered finalizePairing with ${finalized.status}`, finalized);
    }
    return { rmNode: serverNodeDescription, rmEndpoint: serverEndpointDescription };
  }

  /** The specification's "must attempt to inform the server": best effort, the first failure is what counts. */
  private async abandon(url: string, pairingAttemptId: string): Promise<void> {
    try {
      await call('finalizePairing', url, {
        method: 'POST',
        body: { success: false },
        bearer: pairingAttemptId,
        timeoutMs: this.config.pairingClient.timeoutMs,
      });
    } catch {
      // The server forgets the attempt after 15 s anyway.
    }
  }
}

function remaining(step: ClientStep, attemptEnds: number): number {
  const left = attemptEnds - Date.now();
  if (left <= 0) throw new S2ConnectClientError('TIMEOUT', step, 'the 15 s pairing attempt is over');
  return left;
}

function peerAnswer(answer: HttpAnswer): PeerAnswer {
  const parsed = validateBody('PairingResponseErrorMessage', answer.json);
  if (!parsed.ok) return { status: answer.status };
  const { errorMessage, additionalInfo } = parsed.value;
  return additionalInfo === undefined
    ? { status: answer.status, errorMessage }
    : { status: answer.status, errorMessage, additionalInfo: oneLine(additionalInfo).slice(0, MAX_ADDITIONAL_INFO) };
}

function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}

function refused(message: string, peer?: PeerAnswer): PeerPairingError {
  return new PeerPairingError(ApiErrorCode.PairingRefused, message, peer);
}

function peerFailed(message: string, answer?: HttpAnswer): PeerPairingError {
  return new PeerPairingError(ApiErrorCode.PeerFailed, message, answer === undefined ? undefined : peerAnswer(answer));
}

/**
 * requestPairing's 400 names the check that failed. A ParsingError means the endpoint did not
 * understand a request that follows the schema: its fault, not the caller's. Every other check is
 * about these two nodes or the code the user typed.
 */
function refusedPairing(answer: HttpAnswer): PeerPairingError {
  const peer = peerAnswer(answer);
  if (answer.status === 400 && peer.errorMessage !== undefined && peer.errorMessage !== 'ParsingError') {
    return refused(`the RM endpoint refused the pairing: ${peer.errorMessage}`, peer);
  }
  if (answer.status === 400 && peer.errorMessage === 'ParsingError') {
    return peerFailed('the RM endpoint did not understand requestPairing (ParsingError)', answer);
  }
  return peerFailed(`the RM endpoint answered requestPairing with ${answer.status}`, answer);
}

/** 403: the endpoint's token gave another HMAC than ours, so the code typed is not its code. */
function postRejected(answer: HttpAnswer): PeerPairingError {
  if (answer.status === 403) {
    return new PeerPairingError(
      ApiErrorCode.PairingCodeRejected,
      'the RM endpoint did not accept our challenge response: the pairing code is wrong or has expired',
      { status: 403 },
    );
  }
  return peerFailed(`the RM endpoint answered postConnectionDetails with ${answer.status}`, answer);
}

function responseProblem(problem: 'invalid-response' | 'incompatible-role' | 'challenge-mismatch', detail: string) {
  switch (problem) {
    case 'challenge-mismatch':
      return new PeerPairingError(
        ApiErrorCode.PairingCodeRejected,
        'the RM endpoint does not know this pairing code (wrong, expired, or not the endpoint of this pairingUrl)',
      );
    case 'incompatible-role':
      return refused(`the node of this pairing code is not an RM: ${detail}`);
    case 'invalid-response':
      return peerFailed(`the RM endpoint's answer to requestPairing is not S2 Connect: ${detail}`);
  }
}

function fromClientError(error: S2ConnectClientError): PeerPairingError {
  switch (error.code) {
    case 'TIMEOUT':
      return new PeerPairingError(ApiErrorCode.PeerTimeout, `the RM endpoint did not answer in time (${error.step})`);
    case 'INCOMPATIBLE_API_VERSION':
      return refused(`the RM endpoint implements no pairing API version of ours: ${error.message}`);
    case 'REJECTED':
      return peerFailed(
        `the RM endpoint answered ${error.step} with ${error.status ?? 'an error'}`,
        error.status === undefined ? undefined : { status: error.status, json: undefined },
      );
    default:
      return peerFailed(`the RM endpoint failed: ${error.message}`);
  }
}
