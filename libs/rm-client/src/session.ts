// The RM as communication client: session initiation (initiateSession, then confirmAccessToken) and
// unpairing, S2 Connect v1 "Session initiation" and "Unpairing by the communication client".
import {
  type CommunicationProtocol,
  type EndpointDescription,
  type InitiateSessionRequest,
  type NodeDescription,
  type UnpairRequest,
  type WebSocketCommunicationDetails,
  validateBody,
} from '#s2-connect';
import { selectApiVersion, type ApiVersion } from './api-version.js';
import { S2ConnectClientError, type ClientStep } from './errors.js';
import { baseUrl, call, operationUrl, type FetchLike } from './http.js';
import { DEFAULT_COMMUNICATION_PROTOCOLS } from './pairing.js';
import { rejected } from './server-errors.js';
import { parseWebSocketDetails } from './websocket-details.js';

export interface SessionEndpoint {
  /** The base URL from the pairing's ConnectionDetails, e.g. `https://s2.example.com/session/`. */
  readonly initiateSessionUrl: string;
  /** Skips the version GET when the caller already selected one. */
  readonly apiVersion?: ApiVersion;
  readonly fetch?: FetchLike;
}

export interface InitiateSessionOptions extends SessionEndpoint {
  /**
   * Every access token the RM holds for this pairing, tried in order until one is not refused with 401:
   * after a lost confirmAccessToken answer the RM cannot know whether the old or the new one is active.
   */
  readonly accessTokens: readonly string[];
  readonly clientNodeId: string;
  readonly serverNodeId: string;
  readonly supportedS2MessageVersions: readonly string[];
  readonly supportedCommunicationProtocols?: readonly string[];
  /** Only to update what the server stored at pairing. */
  readonly clientNodeDescription?: NodeDescription;
  readonly clientEndpointDescription?: EndpointDescription;
}

export interface InitiatedSession {
  readonly selectedS2MessageVersion: string;
  readonly selectedCommunicationProtocol: CommunicationProtocol;
  /** Store it before confirming: once confirmed it replaces the accepted one. */
  readonly pendingAccessToken: string;
  /** The token of `accessTokens` the server took; the others can be dropped. */
  readonly acceptedAccessToken: string;
  readonly serverNodeDescription?: NodeDescription;
  readonly serverEndpointDescription?: EndpointDescription;
}

export async function initiateSession(options: InitiateSessionOptions): Promise<InitiatedSession> {
  const step: ClientStep = 'initiateSession';
  if (options.accessTokens.length === 0) {
    throw new S2ConnectClientError('INVALID_INPUT', step, 'no access token to try');
  }
  const url = await operation(step, options);
  const protocols = options.supportedCommunicationProtocols ?? DEFAULT_COMMUNICATION_PROTOCOLS;
  const body: InitiateSessionRequest = {
    clientNodeId: options.clientNodeId,
    serverNodeId: options.serverNodeId,
    supportedS2MessageVersions: [...options.supportedS2MessageVersions],
    supportedCommunicationProtocols: [...protocols],
    ...(options.clientNodeDescription === undefined ? {} : { clientNodeDescription: options.clientNodeDescription }),
    ...(options.clientEndpointDescription === undefined
      ? {}
      : { clientEndpointDescription: options.clientEndpointDescription }),
  };
  for (const token of options.accessTokens) {
    const answer = await call(step, url, { method: 'POST', body, bearer: token, fetch: options.fetch });
    if (answer.status === 401) continue;
    // A 400 (NoLongerPaired, ParsingError, Incompatible...) does not depend on the token: stop here.
    if (answer.status !== 200) throw rejected(step, answer, 'CommunicationDetailsErrorMessage');
    const parsed = validateBody('InitiateSessionResponse', answer.json);
    if (!parsed.ok) throw new S2ConnectClientError('INVALID_RESPONSE', step, `the answer ${parsed.problem}`);
    const response = parsed.value;
    if (!options.supportedS2MessageVersions.includes(response.selectedS2MessageVersion)) {
      throw new S2ConnectClientError(
        'INVALID_RESPONSE',
        step,
        `the server selected S2 JSON ${response.selectedS2MessageVersion}, which was not offered`,
      );
    }
    if (!protocols.includes(response.selectedCommunicationProtocol)) {
      throw new S2ConnectClientError(
        'INVALID_RESPONSE',
        step,
        `the server selected ${response.selectedCommunicationProtocol}, which was not offered`,
      );
    }
    return {
      selectedS2MessageVersion: response.selectedS2MessageVersion,
      selectedCommunicationProtocol: response.selectedCommunicationProtocol,
      pendingAccessToken: response.accessToken,
      acceptedAccessToken: token,
      ...(response.serverNodeDescription === undefined
        ? {}
        : { serverNodeDescription: response.serverNodeDescription }),
      ...(response.serverEndpointDescription === undefined
        ? {}
        : { serverEndpointDescription: response.serverEndpointDescription }),
    };
  }
  const count = options.accessTokens.length;
  throw new S2ConnectClientError(
    'REJECTED',
    step,
    `HTTP 401 (${count === 1 ? 'the access token was' : `none of the ${count} access tokens was`} accepted)`,
    { status: 401 },
  );
}

export interface ConfirmAccessTokenOptions extends SessionEndpoint {
  readonly pendingAccessToken: string;
}

/** Activates the pending token; the answer says where to open the WebSocket. */
export async function confirmAccessToken(options: ConfirmAccessTokenOptions): Promise<WebSocketCommunicationDetails> {
  const step: ClientStep = 'confirmAccessToken';
  const url = await operation(step, options);
  const answer = await call(step, url, { method: 'POST', bearer: options.pendingAccessToken, fetch: options.fetch });
  if (answer.status !== 200) throw rejected(step, answer);
  const parsed = parseWebSocketDetails(answer.json);
  if (!parsed.ok) throw new S2ConnectClientError('INVALID_RESPONSE', step, `the answer ${parsed.problem}`);
  return parsed.value;
}

export interface StartSessionOptions extends InitiateSessionOptions {
  /**
   * Called with the pending token before it is confirmed, to persist it next to the current ones (the
   * specification's step 4). If it throws, the session is not started and the old token stays valid.
   */
  readonly onPendingAccessToken?: (token: string) => void | Promise<void>;
}

export interface StartedSession extends InitiatedSession, WebSocketCommunicationDetails {
  /** The access token to keep from now on (the confirmed pending one); drop every other. */
  readonly accessToken: string;
}

/** initiateSession then confirmAccessToken, with one version selection for both. */
export async function startSession(options: StartSessionOptions): Promise<StartedSession> {
  const apiVersion =
    options.apiVersion ?? (await selectApiVersion(options.initiateSessionUrl, { fetch: options.fetch }));
  const initiated = await initiateSession({ ...options, apiVersion });
  await options.onPendingAccessToken?.(initiated.pendingAccessToken);
  const details = await confirmAccessToken({
    initiateSessionUrl: options.initiateSessionUrl,
    apiVersion,
    pendingAccessToken: initiated.pendingAccessToken,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  if (details.communicationProtocol !== initiated.selectedCommunicationProtocol) {
    throw new S2ConnectClientError(
      'INVALID_RESPONSE',
      'confirmAccessToken',
      `communication details for ${details.communicationProtocol}, but ${initiated.selectedCommunicationProtocol} was selected`,
    );
  }
  return { ...initiated, ...details, accessToken: initiated.pendingAccessToken };
}

export interface UnpairOptions extends SessionEndpoint {
  readonly accessToken: string;
  readonly clientNodeId: string;
  readonly serverNodeId: string;
}

/** Unpairing by the communication client: 204, or REJECTED (401 when the pairing is already gone). */
export async function unpair(options: UnpairOptions): Promise<void> {
  const step: ClientStep = 'unpair';
  const url = await operation(step, options);
  const body: UnpairRequest = { clientNodeId: options.clientNodeId, serverNodeId: options.serverNodeId };
  const answer = await call(step, url, { method: 'POST', body, bearer: options.accessToken, fetch: options.fetch });
  if (answer.status !== 204) throw rejected(step, answer);
}

async function operation(step: ClientStep, endpoint: SessionEndpoint): Promise<string> {
  const base = baseUrl(step, endpoint.initiateSessionUrl);
  const version = endpoint.apiVersion ?? (await selectApiVersion(base, { fetch: endpoint.fetch }));
  return operationUrl(base, version, step);
}
