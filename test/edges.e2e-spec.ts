// What the broker answers at its edges when the input or a dependency is at fault: a NUL character
// (which PostgreSQL cannot store) is refused as bad input, and PostgreSQL being away is "try again
// later" (503 with Retry-After), never a 500, and never a 401 that would make a client drop good
// credentials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker } from './support/broker.js';
import {
  createCemNode,
  createTenant,
  pairByHand,
  issueCode,
  post,
  rmNode,
  TEST_DATABASE_URL,
  type Tenant,
} from './support/s2-connect.js';
import { proxiedDatabase, type TcpProxy } from './support/tcp-proxy.js';
import { connect, refusedStatus } from './support/ws-peer.js';

let broker: Broker;
let tenant: Tenant;
let proxy: TcpProxy;

beforeAll(async () => {
  const database = await proxiedDatabase(TEST_DATABASE_URL);
  proxy = database.proxy;
  broker = await startBroker({ env: { DATABASE_URL: database.url } });
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
  await proxy?.close();
});

const NUL = '\u0000';
const ws = (path: string) => broker.url.replace('http', 'ws') + path;

describe('a NUL character', () => {
  it('in a tenant API body is 400, in a batch too', async () => {
    const created = await post(
      `${broker.url}/api/v1/cem-nodes`,
      { brand: `Acme${NUL}`, type: 'EMS', modelName: 'Cloud CEM' },
      tenant.jwt,
    );
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ statusCode: 400, message: expect.stringContaining('NUL') });
    const batch = await post(
      `${broker.url}/api/v1/cem-nodes:batch`,
      { nodes: [{ brand: 'Acme', type: `EMS${NUL}`, modelName: 'Cloud CEM' }] },
      tenant.jwt,
    );
    expect(batch.status).toBe(400);
    const token = await post(`${broker.url}/api/v1/auth/token`, { clientId: `sa_${NUL}`, clientSecret: 'x' });
    expect(token.status).toBe(400);
  });

  it('in an S2 Connect body is a ParsingError', async () => {
    const answer = await post(`${broker.url}/pairing/v1/requestPairing`, {
      nodeIdAlias: `abc${NUL}`,
      clientNodeDescription: rmNode(),
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ errorMessage: 'ParsingError' });
    const session = await post(`${broker.url}/session/v1/initiateSession`, {
      clientNodeId: `rm${NUL}`,
      serverNodeId: 'cem',
      supportedS2MessageVersions: ['v1.0.0'],
      supportedCommunicationProtocols: ['WebSocket'],
    });
    expect(session.status).toBe(400);
  });

  it('a lone surrogate, which PostgreSQL cannot store as JSON, is refused as a NUL is', async () => {
    const lone = '\ud800';
    const created = await post(
      `${broker.url}/api/v1/cem-nodes`,
      { brand: `Acme${lone}`, type: 'EMS', modelName: 'M' },
      tenant.jwt,
    );
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ message: expect.stringContaining('lone surrogate') });
    // Found by the fuzz run: a device's own description, stored as JSON, was a 500.
    const node = await createCemNode(broker.url, tenant);
    const paired = await pairByHand(broker.url, await issueCode(broker.url, tenant, node), 'localhost', rmNode());
    const session = await post(
      `${broker.url}/session/v1/initiateSession`,
      {
        clientNodeId: paired.rm.id,
        serverNodeId: paired.cemNodeId,
        supportedS2MessageVersions: ['v1.0.0'],
        supportedCommunicationProtocols: ['WebSocket'],
        clientNodeDescription: { ...paired.rm, brand: `Volta${lone}` },
      },
      paired.accessToken,
    );
    expect(session.status).toBe(400);
    expect(session.body).toMatchObject({ errorMessage: 'ParsingError' });
  });

  it('in a CEM channel frame is an invalid_frame error, and the channel stays', async () => {
    const cem = await connect(ws('/cem/v1/ws'), tenant.jwt);
    cem.send({ type: 'message', rmNodeId: `rm${NUL}`, ref: 'r-1', message: { message_type: 'SelectControlType' } });
    expect(await cem.next((f) => f.type === 'error')).toMatchObject({ code: 'invalid_frame', ref: 'r-1' });
    cem.send({ type: 'message', rmNodeId: 'rm-unknown', ref: 'r-2', message: { message_type: 'SelectControlType' } });
    expect(await cem.next((f) => f.type === 'error' && f.ref === 'r-2')).toMatchObject({ code: 'unknown_rm' });
    cem.close();
  });
});

describe('PostgreSQL away', () => {
  it('session starts, the tenant API and the CEM upgrade say 503 with Retry-After; 401 stays for bad tokens', async () => {
    const node = await createCemNode(broker.url, tenant);
    const code = await issueCode(broker.url, tenant, node);
    const paired = await pairByHand(broker.url, code, 'localhost', rmNode());
    await proxy.cut();
    try {
      const session = await fetch(`${broker.url}/session/v1/initiateSession`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${paired.accessToken}` },
        body: JSON.stringify({
          clientNodeId: paired.rm.id,
          serverNodeId: paired.cemNodeId,
          supportedS2MessageVersions: ['v1.0.0'],
          supportedCommunicationProtocols: ['WebSocket'],
        }),
      });
      expect(session.status).toBe(503);
      expect(Number(session.headers.get('retry-after'))).toBeGreaterThan(0);
      const nodes = await fetch(`${broker.url}/api/v1/cem-nodes`, {
        headers: { authorization: `Bearer ${tenant.jwt}` },
      });
      expect(nodes.status).toBe(503);
      expect(Number(nodes.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await nodes.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      // A valid JWT is not "not accepted" because the database cannot say: the CEM must keep it.
      expect(await refusedStatus(ws('/cem/v1/ws'), tenant.jwt)).toBe(503);
      // A token that is wrong is wrong whatever the database does.
      expect(await refusedStatus(ws('/cem/v1/ws'), 'bm90LWEtand0')).toBe(401);
    } finally {
      await proxy.restore();
    }
    // Back once PostgreSQL is: the pool reconnects on the next query.
    let status = 0;
    for (let i = 0; i < 40 && status !== 101; i++) {
      status = await refusedStatus(ws('/cem/v1/ws'), tenant.jwt);
      if (status !== 101) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(101);
  });
});
