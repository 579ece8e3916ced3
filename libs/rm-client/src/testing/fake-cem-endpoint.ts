// A small in-memory S2 Connect v1 pairing and session-initiation server hosting one CEM node, for the
// client's tests. It follows the happy path of the specification and can be told to misbehave.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  challengeResponse,
  newChallenge,
  verifyChallengeResponse,
  type NodeDescription,
  validateBody,
} from '#s2-connect';
import { FakeS2WebSocket } from './fake-s2-websocket.js';
import { bearerToken } from '#security';

export interface FakeCemOptions {
  /** Answer requestPairing with this, after the alias lookup. */
  readonly requestPairingAnswer?: { readonly status: number; readonly body?: unknown };
  /** Compute clientHmacChallengeResponse with another token, as an impostor would. */
  readonly wrongClientHmacResponse?: boolean;
  readonly serverRole?: 'CEM' | 'RM';
  /** Select this S2 JSON version whatever the client offered. */
  readonly forceS2Version?: string;
  /** The version index of GET /pairing/ and /session/. */
  readonly apiVersions?: readonly string[];
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

interface Attempt {
  readonly clientNodeId: string;
  readonly serverChallenge: string;
  accessToken?: string;
}

interface Pairing {
  readonly serverNodeId: string;
  token: string;
}

const S2_VERSIONS = ['v1.0.0', 'v0.0.2-beta'];
const DOMAIN = '127.0.0.1';

export interface FakeCemEndpoint {
  readonly pairingUrl: string;
  readonly initiateSessionUrl: string;
  readonly node: NodeDescription;
  readonly pairingCode: string;
  readonly token: string;
  readonly requests: RecordedRequest[];
  readonly finalizations: { readonly success: boolean | undefined }[];
  /** The active access token of an RM's pairing. */
  activeToken(rmNodeId: string): string | undefined;
  /** The S2 WebSocket (`/s2/v1/ws`) behind the websocketUrl it hands out. */
  readonly s2: FakeS2WebSocket;
  /** Unpairing by the server: forgets the pairing, then SessionRequest RECONNECT and a close to the RM. */
  unpairRm(rmNodeId: string): void;
  /** Loses the pairing without knowing it was unpaired: initiateSession answers 401. */
  forgetPairing(rmNodeId: string): void;
  close(): Promise<void>;
}

export async function startFakeCemEndpoint(options: FakeCemOptions = {}): Promise<FakeCemEndpoint> {
  const alias = 'abc123';
  const token = 'Tok3nXyZ9q';
  const node: NodeDescription = {
    id: randomUUID(),
    brand: 'Fake',
    type: 'EMS',
    modelName: 'fake-cem',
    role: options.serverRole ?? 'CEM',
  };
  const requests: RecordedRequest[] = [];
  const finalizations: { success: boolean | undefined }[] = [];
  const attempts = new Map<string, Attempt>();
  const pairings = new Map<string, Pairing>();
  const pending = new Map<string, string>();
  const unpaired = new Set<string>();
  let origin = '';

  const handle = (method: string, path: string, bearer: string | undefined, body: unknown): [number, unknown?] => {
    if (method === 'GET' && (path === '/pairing/' || path === '/session/')) {
      return [200, options.apiVersions ?? ['v1']];
    }
    if (method !== 'POST') return [404];
    switch (path) {
      case '/pairing/v1/requestPairing': {
        const parsed = validateBody('RequestPairingRequest', body);
        if (!parsed.ok) return [400, { errorMessage: 'ParsingError', additionalInfo: parsed.problem }];
        const request = parsed.value;
        if (request.nodeIdAlias !== alias) return [400, { errorMessage: 'NodeNotFound' }];
        if (options.requestPairingAnswer)
          return [options.requestPairingAnswer.status, options.requestPairingAnswer.body];
        const id = randomBytes(24).toString('base64');
        const serverChallenge = newChallenge();
        attempts.set(id, { clientNodeId: request.clientNodeDescription.id, serverChallenge });
        const key = options.wrongClientHmacResponse ? 'n0tTheToken' : token;
        return [
          200,
          {
            pairingAttemptId: id,
            serverNodeDescription: node,
            serverEndpointDescription: { name: 'Fake aggregator', deployment: 'WAN' },
            selectedHmacHashingAlgorithm: 'SHA256',
            clientHmacChallengeResponse: challengeResponse(request.clientHmacChallenge, key, DOMAIN),
            serverHmacChallenge: serverChallenge,
          },
        ];
      }
      case '/pairing/v1/requestConnectionDetails': {
        const attempt = bearer === undefined ? undefined : attempts.get(bearer);
        if (!attempt) return [401];
        const response = (body as { serverHmacChallengeResponse?: unknown } | undefined)?.serverHmacChallengeResponse;
        if (
          typeof response !== 'string' ||
          !verifyChallengeResponse(attempt.serverChallenge, token, DOMAIN, response)
        ) {
          return [403];
        }
        attempt.accessToken = randomBytes(32).toString('base64');
        return [200, { initiateSessionUrl: `${origin}/session/`, accessToken: attempt.accessToken }];
      }
      case '/pairing/v1/finalizePairing': {
        const attempt = bearer === undefined ? undefined : attempts.get(bearer);
        if (!attempt) return [401];
        const success = (body as { success?: boolean } | undefined)?.success;
        finalizations.push({ success });
        attempts.delete(bearer as string);
        if (success === true && attempt.accessToken !== undefined) {
          pairings.set(attempt.clientNodeId, { serverNodeId: node.id, token: attempt.accessToken });
          unpaired.delete(attempt.clientNodeId);
        }
        return [204];
      }
      case '/session/v1/initiateSession': {
        const parsed = validateBody('InitiateSessionRequest', body);
        if (!parsed.ok) return [400, { errorMessage: 'ParsingError', additionalInfo: parsed.problem }];
        const request = parsed.value;
        if (unpaired.has(request.clientNodeId)) return [400, { errorMessage: 'NoLongerPaired' }];
        const pairing = pairings.get(request.clientNodeId);
        if (!pairing || pairing.serverNodeId !== request.serverNodeId || pairing.token !== bearer) return [401];
        const version =
          options.forceS2Version ?? S2_VERSIONS.find((v) => request.supportedS2MessageVersions.includes(v));
        if (version === undefined) return [400, { errorMessage: 'IncompatibleS2MessageVersions' }];
        const accessToken = randomBytes(32).toString('base64');
        pending.set(accessToken, request.clientNodeId);
        return [200, { selectedCommunicationProtocol: 'WebSocket', selectedS2MessageVersion: version, accessToken }];
      }
      case '/session/v1/confirmAccessToken': {
        const rmNodeId = bearer === undefined ? undefined : pending.get(bearer);
        const pairing = rmNodeId === undefined ? undefined : pairings.get(rmNodeId);
        if (!pairing || bearer === undefined || rmNodeId === undefined) return [401];
        pending.delete(bearer);
        pairing.token = bearer;
        return [
          200,
          {
            communicationProtocol: 'WebSocket',
            websocketToken: s2.issue(rmNodeId),
            websocketUrl: `${origin.replace(/^http/, 'ws')}/s2/v1/ws`,
          },
        ];
      }
      case '/session/v1/unpair': {
        const parsed = validateBody('UnpairRequest', body);
        const pairing = parsed.ok ? pairings.get(parsed.value.clientNodeId) : undefined;
        if (!parsed.ok || !pairing || pairing.token !== bearer) return [401];
        pairings.delete(parsed.value.clientNodeId);
        unpaired.add(parsed.value.clientNodeId);
        return [204];
      }
      default:
        return [404];
    }
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text === '' ? undefined : (JSON.parse(text) as unknown);
      } catch {
        body = text;
      }
      const authorization = req.headers.authorization;
      const bearer = bearerToken(authorization);
      const path = req.url ?? '/';
      const method = req.method ?? 'GET';
      requests.push({ method, path, authorization, body });
      const [status, answer] = handle(method, path, bearer, body);
      if (answer === undefined) {
        res.writeHead(status).end();
      } else {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      }
    });
  });
  const s2 = new FakeS2WebSocket(server);
  await new Promise<void>((resolve) => server.listen(0, DOMAIN, resolve));
  origin = `http://${DOMAIN}:${(server.address() as AddressInfo).port}`;

  return {
    pairingUrl: `${origin}/pairing/`,
    initiateSessionUrl: `${origin}/session/`,
    node,
    pairingCode: `${alias}-${token}`,
    token,
    requests,
    finalizations,
    activeToken: (rmNodeId) => pairings.get(rmNodeId)?.token,
    s2,
    unpairRm: (rmNodeId) => {
      pairings.delete(rmNodeId);
      unpaired.add(rmNodeId);
      const connection = s2.openConnection(rmNodeId);
      connection?.socket.send(
        JSON.stringify({ message_type: 'SessionRequest', message_id: randomUUID(), request: 'RECONNECT' }),
      );
      connection?.socket.close(1000, 'unpaired');
    },
    forgetPairing: (rmNodeId) => {
      pairings.delete(rmNodeId);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        s2.close();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
