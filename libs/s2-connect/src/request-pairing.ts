// The server checks of `requestPairing`, in the order of the specification's table. The caller looks
// the target node up (I/O) and passes what it found; this decides.
import { HMAC_HASHING_ALGORITHMS, isAcceptableChallenge, type HmacHashingAlgorithmName } from './challenge.js';
import { PairingError } from './errors.js';
import type { RequestPairingRequest } from './generated/types.js';
import { validateBody } from './schemas.js';
import { COMMUNICATION_PROTOCOLS, selectOffered } from './negotiation.js';
import { S2_JSON_VERSIONS } from '#s2-json';

/** How the request names the node it targets. */
export type NodeReference = { by: 'nodeId'; value: string } | { by: 'nodeIdAlias'; value: string } | { by: 'none' };

/** Parses the body (ParsingError on any schema violation) and says which node it targets. */
export function parseRequestPairing(body: unknown): { request: RequestPairingRequest; target: NodeReference } {
  const result = validateBody('RequestPairingRequest', body);
  if (!result.ok) throw new PairingError('ParsingError', result.problem);
  const request = result.value;
  if (request.nodeId !== undefined && request.nodeIdAlias !== undefined) {
    throw new PairingError('ParsingError', 'nodeId and nodeIdAlias must not both be given');
  }
  if (!isAcceptableChallenge(request.clientHmacChallenge)) {
    throw new PairingError('ParsingError', 'clientHmacChallenge must be Base64 of at least 32 bytes');
  }
  const target: NodeReference =
    request.nodeId !== undefined
      ? { by: 'nodeId', value: request.nodeId }
      : request.nodeIdAlias !== undefined
        ? { by: 'nodeIdAlias', value: request.nodeIdAlias }
        : { by: 'none' };
  return { request, target };
}

/** What the caller found for the target node. */
export interface PairingTarget {
  /** Whether the node's tenant and the endpoint can pair now (not suspended, not draining). */
  readonly ready: boolean;
  /** The node's pairing token, when it has one that has not expired. */
  readonly token: string | undefined;
}

export interface AcceptedPairingRequest {
  readonly hashingAlgorithm: HmacHashingAlgorithmName;
  readonly token: string;
}

/**
 * Every check after parsing, in the table's order. `target` is undefined when the reference did not
 * resolve. The broker is one endpoint of many CEM nodes, so a request without a node reference fails.
 */
export function checkRequestPairing(
  request: RequestPairingRequest,
  reference: NodeReference,
  target: PairingTarget | undefined,
): AcceptedPairingRequest {
  if (reference.by !== 'none' && target === undefined) {
    throw new PairingError('NodeNotFound', `no node with this ${reference.by}`);
  }
  if (target !== undefined && !target.ready) throw new PairingError('Other', 'the node cannot pair now');
  if (target === undefined) {
    throw new PairingError('NoNodeIdProvided', 'this endpoint hosts many nodes: give nodeIdAlias or nodeId');
  }
  if (request.clientNodeDescription.role !== 'RM') {
    throw new PairingError('InvalidCombinationOfRoles', 'the nodes of this endpoint are CEMs: only an RM can pair');
  }
  const hashingAlgorithm = selectOffered(HMAC_HASHING_ALGORITHMS, request.supportedHmacHashingAlgorithms);
  if (hashingAlgorithm === undefined) {
    throw new PairingError('IncompatibleHmacHashingAlgorithms', `supported: ${HMAC_HASHING_ALGORITHMS.join(', ')}`);
  }
  const force = request.forcePairing === true;
  if (!force && selectOffered(COMMUNICATION_PROTOCOLS, request.supportedCommunicationProtocols) === undefined) {
    throw new PairingError('IncompatibleCommunicationProtocols', `supported: ${COMMUNICATION_PROTOCOLS.join(', ')}`);
  }
  if (!force && selectOffered(S2_JSON_VERSIONS, request.supportedS2MessageVersions) === undefined) {
    throw new PairingError('IncompatibleS2MessageVersions', `supported: ${S2_JSON_VERSIONS.join(', ')}`);
  }
  if (target.token === undefined) {
    throw new PairingError('NoValidPairingTokenOnPairingServer', 'the node has no valid pairing code: issue a new one');
  }
  return { hashingAlgorithm, token: target.token };
}
