// The pairing client's side of S2 Connect v1 "Pairing interaction": what it sends in requestPairing,
// the checks of steps 3 and 4 on the server's answer, and which node becomes the communication server
// (steps 6A/6B). Pure: the caller does the HTTP and tells the server when a check fails.
import { createHash } from 'node:crypto';
import { HMAC_HASHING_ALGORITHMS, isAcceptableChallenge, verifyChallengeResponse } from './challenge.js';
import type {
  Deployment,
  EndpointDescription,
  NodeDescription,
  RequestPairingRequest,
  RequestPairingResponse,
  Role,
} from './generated/types.js';
import type { PairingCode } from './pairing-code.js';
import { validateBody } from './schemas.js';

export interface RequestPairingInput {
  readonly node: NodeDescription;
  readonly endpoint: EndpointDescription;
  readonly code: PairingCode;
  readonly clientHmacChallenge: string;
  readonly supportedCommunicationProtocols: readonly string[];
  readonly supportedS2MessageVersions: readonly string[];
  readonly forcePairing?: boolean;
}

/** Step 1: the alias of the pairing code travels as `nodeIdAlias`; the token never does. */
export function requestPairingBody(input: RequestPairingInput): RequestPairingRequest {
  return {
    clientNodeDescription: input.node,
    clientEndpointDescription: input.endpoint,
    ...(input.code.nodeIdAlias === undefined ? {} : { nodeIdAlias: input.code.nodeIdAlias }),
    supportedCommunicationProtocols: [...input.supportedCommunicationProtocols],
    supportedS2MessageVersions: [...input.supportedS2MessageVersions],
    supportedHmacHashingAlgorithms: [...HMAC_HASHING_ALGORITHMS],
    clientHmacChallenge: input.clientHmacChallenge,
    ...(input.forcePairing === undefined ? {} : { forcePairing: input.forcePairing }),
  };
}

/** Why the client stops after the server's 200 to requestPairing. */
export type RequestPairingResponseProblem =
  /** Not the schema's shape: step 3 says stop, and tell the server if there is an attempt id. */
  | 'invalid-response'
  /** The server node has the same role as ours: InvalidCombinationOfRoles the server did not catch. */
  | 'incompatible-role'
  /** Step 4: the server does not know the pairing token (or is not the host the URL named). */
  | 'challenge-mismatch';

export type RequestPairingResponseCheck =
  | { readonly ok: true; readonly response: RequestPairingResponse }
  | {
      readonly ok: false;
      readonly problem: RequestPairingResponseProblem;
      readonly detail: string;
      /** Present when the server gave one: the client must then send finalizePairing {success: false}. */
      readonly pairingAttemptId: string | undefined;
    };

export interface RequestPairingExpectation {
  readonly clientHmacChallenge: string;
  readonly token: string;
  /** D: the host name of the pairing URL the client called. */
  readonly domain: string;
  /** The role the server's node must have: the other one than ours. */
  readonly serverRole: Role;
}

/** Steps 3 and 4, in the table's order: schema, role, then the server's answer to our challenge. */
export function checkRequestPairingResponse(
  body: unknown,
  expected: RequestPairingExpectation,
): RequestPairingResponseCheck {
  const parsed = validateBody('RequestPairingResponse', body);
  if (!parsed.ok) {
    return fail('invalid-response', `the answer ${parsed.problem}`, attemptIdOf(body));
  }
  const response = parsed.value;
  const attemptId = response.pairingAttemptId;
  if (response.serverNodeDescription.role !== expected.serverRole) {
    return fail(
      'incompatible-role',
      `the server node has the role ${response.serverNodeDescription.role}, not ${expected.serverRole}`,
      attemptId,
    );
  }
  if (
    !verifyChallengeResponse(
      expected.clientHmacChallenge,
      expected.token,
      expected.domain,
      response.clientHmacChallengeResponse,
    )
  ) {
    return fail(
      'challenge-mismatch',
      'the server does not know this pairing token (or it is not the server named)',
      attemptId,
    );
  }
  if (!isAcceptableChallenge(response.serverHmacChallenge)) {
    return fail('invalid-response', 'serverHmacChallenge is not Base64 of at least 32 bytes', attemptId);
  }
  return { ok: true, response };
}

function fail(
  problem: RequestPairingResponseProblem,
  detail: string,
  pairingAttemptId: string | undefined,
): RequestPairingResponseCheck {
  return { ok: false, problem, detail, pairingAttemptId };
}

/** The attempt id of an answer that broke the schema elsewhere, when it has a usable one. */
function attemptIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const id = (body as { pairingAttemptId?: unknown }).pairingAttemptId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * "Mapping the CEM and RM to communication server or client": a WAN node serves a LAN node; between
 * two nodes deployed alike the CEM serves. An absent deployment counts as WAN, as every endpoint that
 * answers from the internet is.
 */
export function communicationServerRole(cem: Deployment | undefined, rm: Deployment | undefined): Role {
  return (cem ?? 'WAN') === 'LAN' && (rm ?? 'WAN') === 'WAN' ? 'RM' : 'CEM';
}

/**
 * A certificate's SHA-256 fingerprint as `certificateFingerprint` carries it: the specification reads
 * fingerprints as hexadecimal with colons between the bytes (what `openssl x509 -fingerprint` prints).
 */
export function sha256Fingerprint(der: Uint8Array): string {
  const hex = createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.match(/../g)?.join(':') ?? '';
}
