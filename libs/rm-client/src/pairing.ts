// The RM as pairing client of a CEM's pairing server (S2 Connect v1 "Pairing interaction", steps 1 to 10
// with 6A-8A: the CEM's endpoint becomes the communication server).
import {
  domainOf,
  challengeResponse,
  newChallenge,
  type EndpointDescription,
  type NodeDescription,
  checkRequestPairingResponse,
  requestPairingBody,
  parsePairingCode,
  validateBody,
} from '#s2-connect';
import { S2_JSON_VERSIONS } from '#s2-json';
import { selectApiVersion } from './api-version.js';
import { S2ConnectClientError, type ClientStep } from './errors.js';
import { baseUrl, call, operationUrl, type FetchLike } from './http.js';
import { rejected } from './server-errors.js';

/** A pairing attempt lives 15 s from the moment its pairingAttemptId is issued. */
export const PAIRING_ATTEMPT_MS = 15_000;

/** How long to wait for the server to take a `finalizePairing {success: false}` before giving up on it. */
const ABANDON_TIMEOUT_MS = 5_000;

export const DEFAULT_COMMUNICATION_PROTOCOLS: readonly string[] = ['WebSocket'];

export interface PairWithCemOptions {
  /** The CEM endpoint's pairing URL, e.g. `https://s2.example.com/pairing/`. */
  readonly pairingUrl: string;
  /** What the user typed: `[nodeIdAlias-]token`. The token never leaves this process. */
  readonly pairingCode: string;
  /** The RM node that pairs; `role` must be `RM`. */
  readonly node: NodeDescription;
  readonly endpoint: EndpointDescription;
  /** Default: the S2 JSON versions of libs/s2-json, best first. */
  readonly supportedS2MessageVersions?: readonly string[];
  readonly supportedCommunicationProtocols?: readonly string[];
  readonly forcePairing?: boolean;
  readonly fetch?: FetchLike;
}

export interface Pairing {
  readonly serverNodeDescription: NodeDescription;
  readonly serverEndpointDescription: EndpointDescription;
  /** Base URL of the CEM endpoint's session initiation API. */
  readonly initiateSessionUrl: string;
  /** The first access token; keep it, it is the only way back to this CEM. */
  readonly accessToken: string;
}

export async function pairWithCem(options: PairWithCemOptions): Promise<Pairing> {
  if (options.node.role !== 'RM') {
    throw new S2ConnectClientError('INVALID_INPUT', 'requestPairing', 'the pairing node must have the role RM');
  }
  const code = parsePairingCode(options.pairingCode);
  if (code === undefined) {
    // The code itself is not repeated: its token is a secret.
    throw new S2ConnectClientError(
      'INVALID_INPUT',
      'requestPairing',
      'the pairing code must be [alias-]token of letters and digits, the token at least 4 long',
    );
  }
  const base = baseUrl('requestPairing', options.pairingUrl);
  const domain = domainOf(base);
  const fetchFn = options.fetch;
  const version = await selectApiVersion(base, { fetch: fetchFn });
  const url = (operation: ClientStep) => operationUrl(base, version, operation);

  const clientHmacChallenge = newChallenge();
  const request = requestPairingBody({
    node: options.node,
    endpoint: options.endpoint,
    code,
    clientHmacChallenge,
    supportedCommunicationProtocols: options.supportedCommunicationProtocols ?? DEFAULT_COMMUNICATION_PROTOCOLS,
    supportedS2MessageVersions: options.supportedS2MessageVersions ?? S2_JSON_VERSIONS,
    ...(options.forcePairing === undefined ? {} : { forcePairing: options.forcePairing }),
  });
  const answer = await call('requestPairing', url('requestPairing'), { method: 'POST', body: request, fetch: fetchFn });
  if (answer.status !== 200) throw rejected('requestPairing', answer, 'PairingResponseErrorMessage');
  const attemptEnds = Date.now() + PAIRING_ATTEMPT_MS;

  const checked = checkRequestPairingResponse(answer.json, {
    clientHmacChallenge,
    token: code.token,
    domain,
    serverRole: 'CEM',
  });
  if (!checked.ok) {
    if (checked.pairingAttemptId !== undefined)
      await abandon(url('finalizePairing'), checked.pairingAttemptId, fetchFn);
    const errorCode = checked.problem === 'challenge-mismatch' ? 'CHALLENGE_MISMATCH' : 'INVALID_RESPONSE';
    throw new S2ConnectClientError(errorCode, 'requestPairing', checked.detail);
  }
  const response = checked.response;
  const attemptId = response.pairingAttemptId;

  const detailsAnswer = await call('requestConnectionDetails', url('requestConnectionDetails'), {
    method: 'POST',
    body: { serverHmacChallengeResponse: challengeResponse(response.serverHmacChallenge, code.token, domain) },
    bearer: attemptId,
    timeoutMs: remaining('requestConnectionDetails', attemptEnds),
    fetch: fetchFn,
  });
  if (detailsAnswer.status !== 200) throw rejected('requestConnectionDetails', detailsAnswer);
  const details = validateBody('ConnectionDetails', detailsAnswer.json);
  if (!details.ok || !isHttpUrl(details.value.initiateSessionUrl)) {
    await abandon(url('finalizePairing'), attemptId, fetchFn);
    const problem = details.ok ? 'initiateSessionUrl is not an http(s) URL' : `the answer ${details.problem}`;
    throw new S2ConnectClientError('INVALID_RESPONSE', 'requestConnectionDetails', problem);
  }

  const finalAnswer = await call('finalizePairing', url('finalizePairing'), {
    method: 'POST',
    body: { success: true },
    bearer: attemptId,
    timeoutMs: remaining('finalizePairing', attemptEnds),
    fetch: fetchFn,
  });
  if (finalAnswer.status !== 204) throw rejected('finalizePairing', finalAnswer);

  return {
    serverNodeDescription: response.serverNodeDescription,
    serverEndpointDescription: response.serverEndpointDescription,
    initiateSessionUrl: details.value.initiateSessionUrl,
    accessToken: details.value.accessToken,
  };
}

/** The spec's "must attempt to inform the server": best effort, the failure we report is the original one. */
async function abandon(url: string, attemptId: string, fetchFn: FetchLike | undefined): Promise<void> {
  try {
    await call('finalizePairing', url, {
      method: 'POST',
      body: { success: false },
      bearer: attemptId,
      timeoutMs: ABANDON_TIMEOUT_MS,
      fetch: fetchFn,
    });
  } catch {
    // The server forgets the attempt after 15 s anyway.
  }
}

function remaining(step: ClientStep, attemptEnds: number): number {
  const left = attemptEnds - Date.now();
  if (left <= 0) throw new S2ConnectClientError('TIMEOUT', step, 'the 15 s pairing attempt is over');
  return left;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
