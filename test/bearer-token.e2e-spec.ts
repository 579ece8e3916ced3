// Every endpoint that takes a bearer token reads the Authorization header the same way (RFC 6750):
// the scheme in any case, one or more spaces, a b64token. They used to disagree (a tab was a token
// separator for some and not for others).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '#rm-client';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { rmWithSession, createTenant, type RmWithSession, type Tenant } from './support/s2-connect.js';
import { connect } from './support/ws-peer.js';

/** How the header is written around the token. */
const HEADERS: [string, (token: string) => string, boolean][] = [
  ['Bearer and one space', (t) => `Bearer ${t}`, true],
  ['the scheme in lower case', (t) => `bearer ${t}`, true],
  ['the scheme in upper case', (t) => `BEARER ${t}`, true],
  ['several spaces', (t) => `Bearer    ${t}`, true],
  ['a tab instead of a space', (t) => `Bearer\t${t}`, false],
  ['a space and a tab', (t) => `Bearer \t${t}`, false],
  ['something after the token', (t) => `Bearer ${t} more`, false],
  ['no space', (t) => `Bearer${t}`, false],
  ['another scheme', (t) => `Token ${t}`, false],
];

async function statusOf(url: string, authorization: string, init: RequestInit = {}): Promise<number> {
  const response = await fetch(url, { ...init, headers: { ...init.headers, authorization } });
  await response.arrayBuffer();
  return response.status;
}

async function upgradeStatus(url: string, authorization: string): Promise<number> {
  try {
    const peer = await connect(url, undefined, { headers: { authorization } });
    peer.close();
    return 101;
  } catch (error) {
    return (error as { status?: number }).status ?? 0;
  }
}

describe('bearer tokens', () => {
  let broker: Broker;
  let tenant: Tenant;
  let rm: RmWithSession;
  let accessToken: string;

  beforeAll(async () => {
    broker = await startBroker();
    tenant = await createTenant(broker);
    rm = await rmWithSession(broker.url, tenant);
    accessToken = rm.accessToken;
  });

  afterAll(async () => {
    await broker?.stop();
  });

  /** A websocket token for the RM, made with its access token (which becomes the next one). */
  async function websocketToken(): Promise<string> {
    const session = await startSession({
      initiateSessionUrl: rm.initiateSessionUrl,
      accessTokens: [accessToken],
      clientNodeId: rm.rmNodeId,
      serverNodeId: rm.cemNodeId,
      supportedS2MessageVersions: ['v1.0.0'],
    });
    accessToken = session.accessToken;
    return session.websocketToken;
  }

  it.each(HEADERS)('%s: read alike by every endpoint', async (_name, header, accepted) => {
    const initiate = {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientNodeId: rm.rmNodeId,
        serverNodeId: rm.cemNodeId,
        supportedS2MessageVersions: ['v1.0.0'],
        supportedCommunicationProtocols: ['WebSocket'],
      }),
    };
    const statuses = {
      operator: await statusOf(`${broker.internalUrl}/admin/v1/tenants`, header(TEST_OPERATOR_TOKEN)),
      tenant: await statusOf(`${broker.url}/api/v1/cem-nodes`, header(tenant.jwt)),
      initiateSession: await statusOf(`${broker.url}/session/v1/initiateSession`, header(accessToken), initiate),
      cemChannel: await upgradeStatus(`${broker.url.replace(/^http/, 'ws')}/cem/v1/ws`, header(tenant.jwt)),
      rmSession: await upgradeStatus(`${broker.url.replace(/^http/, 'ws')}/s2/v1/ws`, header(await websocketToken())),
    };
    const expected = accepted ? [200, 200, 200, 101, 101] : [401, 401, 401, 401, 401];
    expect(Object.values(statuses), JSON.stringify(statuses)).toEqual(expected);
  });
});
