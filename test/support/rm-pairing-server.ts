// An S2 Connect v1 pairing server of a WAN RM endpoint hosting one RM node, built from libs/s2-connect,
// for the tests of the broker as pairing client. It runs the specification's server side (alias and
// token, challenge-response, attempt ids, postConnectionDetails because the CEM is the communication
// server), records what it receives, and can be told to misbehave.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  challengeResponse,
  newChallenge,
  verifyChallengeResponse,
  type ConnectionDetails,
  type EndpointDescription,
  type NodeDescription,
  type PairingResponseErrorMessage,
  parseRequestPairing,
  validateBody,
} from '#s2-connect';

export type Operation = 'index' | 'requestPairing' | 'postConnectionDetails' | 'finalizePairing';

/** A canned answer instead of the specification's. `body` a string is sent as is (not JSON). */
export interface CannedAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface RmServerBehaviour {
  /** Versions of the index `GET /pairing/`; default `["v1"]`. */
  apiVersions?: readonly string[];
  /** S2 JSON versions the RM supports; no overlap is IncompatibleS2MessageVersions. */
  s2Versions?: readonly string[];
  /** Answer the operation with this, after recording the request. */
  answer?: Partial<Record<Operation, CannedAnswer>>;
  /** Never answer the operation (the socket stays open until the server closes). */
  hang?: readonly Operation[];
  /** clientHmacChallengeResponse over another token, as an impostor would compute it. */
  wrongHmac?: boolean;
  /** requestPairing answers 200 with this instead of the real answer's fields (merged over it). */
  responseOverrides?: Record<string, unknown>;
}

export interface RecordedRequest {
  readonly operation: Operation | 'other';
  readonly authorization: string | undefined;
  readonly body: unknown;
}

export interface StoredPairing {
  readonly cemNode: NodeDescription;
  readonly cemEndpoint: EndpointDescription;
  readonly connectionDetails: ConnectionDetails;
}

export interface RmPairingServer {
  /** `http://localhost:<port>/pairing/`: D is `localhost`. */
  readonly pairingUrl: string;
  readonly origin: string;
  /** The RM node; `reset()` gives it a new id, so each test pairs an RM of its own. */
  readonly node: NodeDescription;
  readonly endpoint: EndpointDescription;
  /** `nodeIdAlias-token`. */
  readonly pairingCode: string;
  readonly requests: RecordedRequest[];
  /** Bodies of finalizePairing, in order. */
  readonly finalizations: { success: boolean | undefined }[];
  /** Pairings completed with finalizePairing {success: true}. */
  readonly pairings: StoredPairing[];
  /** Replaces the misbehaviours (an empty object: follow the specification). */
  behave(behaviour: RmServerBehaviour): void;
  /** Forgets what was recorded and becomes a new RM node. */
  reset(): void;
  close(): Promise<void>;
}

interface Attempt {
  readonly cemNode: NodeDescription;
  readonly cemEndpoint: EndpointDescription;
  readonly serverHmacChallenge: string;
  details?: ConnectionDetails;
  over: boolean;
}

const DOMAIN = 'localhost';

export async function startRmPairingServer(
  options: { node?: Partial<NodeDescription>; endpoint?: EndpointDescription } = {},
): Promise<RmPairingServer> {
  const alias = 'rm7';
  const token = randomBytes(8).toString('hex');
  let node: NodeDescription = {
    id: randomUUID(),
    brand: 'Volta',
    type: 'EV charger',
    modelName: 'V22',
    role: 'RM',
    ...options.node,
  };
  const endpoint = options.endpoint ?? { name: 'Volta cloud', deployment: 'WAN' };
  const requests: RecordedRequest[] = [];
  const finalizations: { success: boolean | undefined }[] = [];
  const pairings: StoredPairing[] = [];
  const attempts = new Map<string, Attempt>();
  let behaviour: RmServerBehaviour = {};

  const server = createServer((req, res) => {
    void readBody(req).then((text) => handle(req, res, text));
  });

  function handle(req: IncomingMessage, res: ServerResponse, text: string): void {
    const operation = operationOf(req);
    const body = parseJson(text);
    requests.push({ operation, authorization: req.headers.authorization, body });
    if (operation === 'finalizePairing') {
      const success = (body as { success?: boolean } | undefined)?.success;
      finalizations.push({ success });
    }
    if (operation !== 'other' && behaviour.hang?.includes(operation)) return;
    const canned = operation === 'other' ? undefined : behaviour.answer?.[operation];
    if (canned !== undefined) return send(res, canned.status, canned.body, canned.headers);
    switch (operation) {
      case 'index':
        return send(res, 200, behaviour.apiVersions ?? ['v1']);
      case 'requestPairing':
        return requestPairing(res, body);
      case 'postConnectionDetails':
        return postConnectionDetails(req, res, body);
      case 'finalizePairing':
        return finalizePairing(req, res, body);
      default:
        return send(res, 404);
    }
  }

  function requestPairing(res: ServerResponse, body: unknown): void {
    let parsed: ReturnType<typeof parseRequestPairing>;
    try {
      parsed = parseRequestPairing(body);
    } catch {
      return refuse(res, { errorMessage: 'ParsingError' });
    }
    const { request } = parsed;
    if (request.nodeIdAlias !== alias) return refuse(res, { errorMessage: 'NodeNotFound' });
    if (request.clientNodeDescription.role !== 'CEM') return refuse(res, { errorMessage: 'InvalidCombinationOfRoles' });
    const s2Versions = behaviour.s2Versions ?? ['v1.0.0', 'v0.0.2-beta'];
    if (!request.supportedS2MessageVersions.some((version) => s2Versions.includes(version))) {
      return refuse(res, {
        errorMessage: 'IncompatibleS2MessageVersions',
        additionalInfo: `supported: ${s2Versions.join(', ')}`,
      });
    }
    const pairingAttemptId = randomBytes(24).toString('base64');
    const serverHmacChallenge = newChallenge();
    attempts.set(pairingAttemptId, {
      cemNode: request.clientNodeDescription,
      cemEndpoint: request.clientEndpointDescription,
      serverHmacChallenge,
      over: false,
    });
    const hmacToken = behaviour.wrongHmac ? `${token}x` : token;
    send(res, 200, {
      pairingAttemptId,
      serverNodeDescription: node,
      serverEndpointDescription: endpoint,
      selectedHmacHashingAlgorithm: 'SHA256',
      clientHmacChallengeResponse: challengeResponse(request.clientHmacChallenge, hmacToken, DOMAIN),
      serverHmacChallenge,
      ...behaviour.responseOverrides,
    });
  }

  function postConnectionDetails(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const attempt = attemptOf(req);
    if (attempt === undefined) return send(res, 401);
    const parsed = validateBody('PostConnectionDetailsRequest', body);
    if (!parsed.ok || attempt.details !== undefined) {
      attempt.over = true;
      return send(res, 400);
    }
    if (
      !verifyChallengeResponse(attempt.serverHmacChallenge, token, DOMAIN, parsed.value.serverHmacChallengeResponse)
    ) {
      attempt.over = true;
      return send(res, 403);
    }
    attempt.details = parsed.value.connectionDetails;
    send(res, 204);
  }

  function finalizePairing(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const attempt = attemptOf(req);
    if (attempt === undefined) return send(res, 401);
    const parsed = validateBody('FinalizePairingRequest', body);
    attempt.over = true;
    if (!parsed.ok) return send(res, 400);
    if (parsed.value.success === true) {
      if (attempt.details === undefined) return send(res, 400);
      pairings.push({ cemNode: attempt.cemNode, cemEndpoint: attempt.cemEndpoint, connectionDetails: attempt.details });
    }
    send(res, 204);
  }

  function attemptOf(req: IncomingMessage): Attempt | undefined {
    const id = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const attempt = id === undefined ? undefined : attempts.get(id);
    return attempt === undefined || attempt.over ? undefined : attempt;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://${DOMAIN}:${(server.address() as AddressInfo).port}`;
  return {
    pairingUrl: `${origin}/pairing/`,
    origin,
    get node() {
      return node;
    },
    endpoint,
    pairingCode: `${alias}-${token}`,
    requests,
    finalizations,
    pairings,
    behave(next) {
      behaviour = next;
    },
    reset() {
      requests.length = 0;
      finalizations.length = 0;
      pairings.length = 0;
      node = { ...node, id: randomUUID() };
    },
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function operationOf(req: IncomingMessage): Operation | 'other' {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  if (req.method === 'GET' && path === '/pairing/') return 'index';
  if (req.method !== 'POST') return 'other';
  const match = /^\/pairing\/v1\/(requestPairing|postConnectionDetails|finalizePairing)$/.exec(path);
  return match === null ? 'other' : (match[1] as Operation);
}

function refuse(res: ServerResponse, body: PairingResponseErrorMessage): void {
  send(res, 400, body);
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
