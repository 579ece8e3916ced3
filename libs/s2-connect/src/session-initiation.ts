// The checks of `initiateSession` that need no storage, in the specification's order around the ones
// that do (ParsingError first; NoLongerPaired and the 401 checks are the caller's, with the database).
import { S2_JSON_VERSIONS, type S2JsonVersion } from '#s2-json';
import { SessionError } from './errors.js';
import type { InitiateSessionRequest, UnpairRequest } from './generated/types.js';
import { COMMUNICATION_PROTOCOLS, selectOffered, type CommunicationProtocolName } from './negotiation.js';
import { validateBody } from './schemas.js';

export function parseInitiateSession(body: unknown): InitiateSessionRequest {
  const result = validateBody('InitiateSessionRequest', body);
  if (!result.ok) throw new SessionError('ParsingError', result.problem);
  const request = result.value;
  // What the RM says of itself is stored as the pairing's: it must be this node's, and an RM's.
  const node = request.clientNodeDescription;
  if (node !== undefined && node.id !== request.clientNodeId) {
    throw new SessionError('ParsingError', 'clientNodeDescription.id must be clientNodeId');
  }
  if (node !== undefined && node.role !== 'RM') {
    throw new SessionError('ParsingError', 'clientNodeDescription.role must be RM: the broker hosts CEM nodes only');
  }
  return request;
}

/** undefined when the body is not an UnpairRequest: unpair knows only 204 and 401. */
export function parseUnpair(body: unknown): UnpairRequest | undefined {
  const result = validateBody('UnpairRequest', body);
  return result.ok ? result.value : undefined;
}

export interface SessionSelection {
  readonly protocol: CommunicationProtocolName;
  readonly s2Version: S2JsonVersion;
}

/** The protocol and the best common S2 JSON version; runs after the 401 checks. */
export function selectSession(request: InitiateSessionRequest): SessionSelection {
  const protocol = selectOffered(COMMUNICATION_PROTOCOLS, request.supportedCommunicationProtocols);
  if (protocol === undefined) {
    throw new SessionError('IncompatibleCommunicationProtocols', `supported: ${COMMUNICATION_PROTOCOLS.join(', ')}`);
  }
  const s2Version = selectOffered(S2_JSON_VERSIONS, request.supportedS2MessageVersions);
  if (s2Version === undefined) {
    throw new SessionError('IncompatibleS2MessageVersions', `supported: ${S2_JSON_VERSIONS.join(', ')}`);
  }
  return { protocol, s2Version };
}
