// What ends a pairing ends every credential of it: a websocket token handed out before an unpairing,
// a re-pairing, or the suspension or deletion of the tenant opens no S2 session afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { createTenant, del, pairRm, post, type Paired, suspendTenant, type Tenant } from './support/s2-connect.js';
import { connect, refusedStatus } from './support/ws-peer.js';

let broker: Broker;
let tenant: Tenant;

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
});

const paired = (owner = tenant, rm?: Paired['rm'], cemNodeId?: string) => pairRm(broker.url, owner, rm, cemNodeId);

/** initiateSession and confirmAccessToken: the websocket token, and the access token now active. */
async function websocketToken(p: Paired): Promise<{ websocketToken: string; accessToken: string }> {
  const initiated = await post(
    `${broker.url}/session/v1/initiateSession`,
    {
      clientNodeId: p.rm.id,
      serverNodeId: p.cemNodeId,
      supportedS2MessageVersions: ['v1.0.0'],
      supportedCommunicationProtocols: ['WebSocket'],
    },
    p.accessToken,
  );
  expect(initiated.status).toBe(200);
  const pending = (initiated.body as { accessToken: string }).accessToken;
  const confirmed = await post(`${broker.url}/session/v1/confirmAccessToken`, undefined, pending);
  expect(confirmed.status).toBe(200);
  return { websocketToken: (confirmed.body as { websocketToken: string }).websocketToken, accessToken: pending };
}

const rmSocket = () => `${broker.url.replace(/^http/, 'ws')}/s2/v1/ws`;

describe('a websocket token dies with its pairing', () => {
  it('opens a session while the pairing lives (the control case)', async () => {
    const p = await paired();
    const { websocketToken: token } = await websocketToken(p);
    const peer = await connect(rmSocket(), token);
    peer.close();
    await peer.closed;
  });

  it('is refused after the RM unpaired', async () => {
    const p = await paired();
    const { websocketToken: token, accessToken } = await websocketToken(p);
    const unpaired = await post(
      `${broker.url}/session/v1/unpair`,
      { clientNodeId: p.rm.id, serverNodeId: p.cemNodeId },
      accessToken,
    );
    expect(unpaired.status).toBe(204);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });

  it('is refused after the tenant unpaired the RM', async () => {
    const p = await paired();
    const { websocketToken: token } = await websocketToken(p);
    expect((await del(`${broker.url}/api/v1/pairings/${p.rm.id}`, tenant.jwt)).status).toBe(204);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });

  it('is refused after the RM paired again with the same CEM node', async () => {
    const p = await paired();
    const { websocketToken: token } = await websocketToken(p);
    await paired(tenant, p.rm, p.cemNodeId);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });

  it('is refused after the RM paired with another CEM node', async () => {
    const p = await paired();
    const { websocketToken: token } = await websocketToken(p);
    await paired(tenant, p.rm);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });

  it('is refused after its CEM node was deleted', async () => {
    const p = await paired();
    const { websocketToken: token } = await websocketToken(p);
    expect((await del(`${broker.url}/api/v1/cem-nodes/${p.cemNodeId}`, tenant.jwt)).status).toBe(204);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });

  it('is refused after the tenant was suspended', async () => {
    const owner = await createTenant(broker);
    const p = await paired(owner);
    const { websocketToken: token } = await websocketToken(p);
    await suspendTenant(broker, owner.id);
    expect(await refusedStatus(rmSocket(), token)).toBe(403);
  });

  it('is refused after the tenant was deleted', async () => {
    const owner = await createTenant(broker);
    const p = await paired(owner);
    const { websocketToken: token } = await websocketToken(p);
    expect((await del(`${broker.internalUrl}/admin/v1/tenants/${owner.id}`, TEST_OPERATOR_TOKEN)).status).toBe(204);
    expect(await refusedStatus(rmSocket(), token)).toBe(401);
  });
});
