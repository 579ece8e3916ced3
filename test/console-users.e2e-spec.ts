// What a tenant's admin does to people and what people do in the console: every change in the audit
// trail under the user who made it, disabling and re-enabling a user, changing a role, and everything
// a user, an invitation or a tenant granted ending with it. Expired invitations are swept by the worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { ConsoleBrowser, invitationToken, operatorInvites, signedInUser } from './support/console.js';
import { CLOSED_WEBHOOK_URL } from './support/api-world.js';
import { createTenant, del, get, pairRm, sql, type Tenant } from './support/s2-connect.js';

let broker: Broker;
let tenant: Tenant;

const NODE = { brand: 'Acme', type: 'EMS', modelName: 'Console' };

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await broker?.stop();
});

interface AuditItem {
  action: string;
  actorType: string;
  actorId: string | null;
  subjectId: string | null;
  data: Record<string, unknown>;
}

async function auditOf(subjectId: string): Promise<AuditItem[]> {
  const answer = await get(`${broker.url}/api/v1/audit-events?subjectId=${subjectId}`, tenant.jwt);
  expect(answer.status).toBe(200);
  return (answer.body as { items: AuditItem[] }).items;
}

/** The audit entry a change by `browser` must leave. */
function byUser(browser: ConsoleBrowser, email: string, action: string): unknown {
  return expect.objectContaining({
    action,
    actorType: 'user',
    actorId: browser.user?.id,
    data: expect.objectContaining({ actorEmail: email }) as unknown,
  });
}

async function pendingInvitation(sender: ConsoleBrowser): Promise<string> {
  const sent = await sender.request('POST', '/api/v1/users/invitations', {
    email: `pending-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`,
    role: 'viewer',
  });
  expect(sent.status).toBe(201);
  return invitationToken((sent.body as { invitationUrl: string }).invitationUrl);
}

describe('changes made in the console', () => {
  it('are in the audit trail under the user who made them, with their email', async () => {
    const { browser, email } = await signedInUser(broker, tenant.id);
    const paired = await pairRm(broker.url, tenant);

    const code = await browser.request('POST', `/api/v1/cem-nodes/${paired.cemNodeId}/pairing-codes`, {});
    expect(code.status).toBe(201);
    expect((await browser.request('DELETE', `/api/v1/pairings/${paired.rm.id}`)).status).toBe(204);
    expect(await auditOf(paired.cemNodeId)).toContainEqual(byUser(browser, email, 'pairing_code.issued'));
    expect(await auditOf(paired.rm.id)).toContainEqual(byUser(browser, email, 'pairing.removed'));
    const [removed] = (await auditOf(paired.rm.id)).filter((item) => item.action === 'pairing.removed');
    expect(removed?.data).toEqual({ cemNodeId: paired.cemNodeId, actorEmail: email });

    const imported = await browser.request('POST', '/api/v1/cem-nodes:batch', { nodes: [NODE], pairingCodes: {} });
    expect(imported.status).toBe(201);
    const [row] = (imported.body as { items: { id: string }[] }).items;
    expect(await auditOf(row?.id ?? '')).toEqual([
      byUser(browser, email, 'pairing_code.issued'),
      byUser(browser, email, 'cem_node.created'),
    ]);

    const webhook = await browser.request('POST', '/api/v1/webhooks', {
      url: CLOSED_WEBHOOK_URL,
      eventTypes: ['pairing.removed'],
    });
    expect(webhook.status).toBe(201);
    const webhookId = (webhook.body as { id: string }).id;
    expect((await browser.request('PATCH', `/api/v1/webhooks/${webhookId}`, { enabled: false })).status).toBe(200);
    expect((await browser.request('DELETE', `/api/v1/webhooks/${webhookId}`)).status).toBe(204);
    const webhookTrail = await auditOf(webhookId);
    expect(webhookTrail).toHaveLength(3);
    for (const item of webhookTrail) expect(item).toEqual(byUser(browser, email, item.action));

    const account = await browser.request('POST', '/api/v1/service-accounts', { name: 'from the console' });
    expect(account.status).toBe(201);
    const accountId = (account.body as { id: string }).id;
    expect(await auditOf(accountId)).toEqual([byUser(browser, email, 'service_account.created')]);
  });
});

describe('disabling a user', () => {
  it('ends their sessions at once, keeps them from signing in, ends their invitations, and is audited', async () => {
    const { browser: admin, email: adminEmail } = await signedInUser(broker, tenant.id);
    const { browser: leaving, email } = await signedInUser(broker, tenant.id);
    const sent = await pendingInvitation(leaving);
    expect((await leaving.request('GET', '/api/v1/cem-nodes')).status).toBe(200);

    const disabled = await admin.request('PATCH', `/api/v1/users/${leaving.user?.id}`, { disabled: true });
    expect(disabled).toMatchObject({ status: 200, body: { id: leaving.user?.id, email } });
    expect(typeof (disabled.body as { disabledAt: unknown }).disabledAt).toBe('string');
    expect(await leaving.request('GET', '/api/v1/cem-nodes')).toMatchObject({
      status: 401,
      body: { statusCode: 401, error: 'Unauthorized' },
    });
    expect(await sql('SELECT 1 FROM console_sessions WHERE user_id = $1', [leaving.user?.id])).toEqual([]);
    // The same answer as a wrong password: sign-in does not tell who exists.
    expect(await new ConsoleBrowser(broker).signIn(email)).toMatchObject({
      status: 401,
      body: { message: 'wrong email or password' },
    });
    expect((await new ConsoleBrowser(broker).accept(sent)).status).toBe(400);
    const listed = await admin.request('GET', '/api/v1/users');
    expect((listed.body as { items: { id: string; disabledAt: string | null }[] }).items).toContainEqual(
      expect.objectContaining({ id: leaving.user?.id, disabledAt: expect.any(String) as unknown }),
    );

    const enabled = await admin.request('PATCH', `/api/v1/users/${leaving.user?.id}`, { disabled: false });
    expect(enabled).toMatchObject({ status: 200, body: { disabledAt: null } });
    const back = new ConsoleBrowser(broker);
    expect((await back.signIn(email)).status).toBe(200);
    expect((await back.request('GET', '/api/v1/cem-nodes')).status).toBe(200);

    const trail = await auditOf(leaving.user?.id ?? '');
    expect(trail.filter((item) => item.action !== 'user.joined')).toEqual([
      byUser(admin, adminEmail, 'user.enabled'),
      byUser(admin, adminEmail, 'user.disabled'),
    ]);
  });

  it("changes a role, which the user's open session follows, and refuses changes to oneself", async () => {
    const { browser: admin, email: adminEmail } = await signedInUser(broker, tenant.id);
    const { browser: viewer } = await signedInUser(broker, tenant.id, 'viewer');
    expect((await viewer.request('POST', '/api/v1/cem-nodes', NODE)).status).toBe(403);
    const promoted = await admin.request('PATCH', `/api/v1/users/${viewer.user?.id}`, { role: 'admin' });
    expect(promoted).toMatchObject({ status: 200, body: { role: 'admin' } });
    expect((await viewer.request('POST', '/api/v1/cem-nodes', NODE)).status).toBe(201);
    expect(await auditOf(viewer.user?.id ?? '')).toContainEqual(byUser(admin, adminEmail, 'user.role_changed'));
    const [changed] = (await auditOf(viewer.user?.id ?? '')).filter((item) => item.action === 'user.role_changed');
    expect(changed?.data).toMatchObject({ role: { from: 'viewer', to: 'admin' } });

    expect(await admin.request('PATCH', `/api/v1/users/${admin.user?.id}`, { disabled: true })).toMatchObject({
      status: 409,
      body: { statusCode: 409, error: 'Conflict', message: 'another admin must disable you or change your role' },
    });
    expect((await admin.request('PATCH', `/api/v1/users/${viewer.user?.id}`, {})).status).toBe(400);
    expect((await admin.request('PATCH', `/api/v1/users/${viewer.user?.id}`, { role: 'operator' })).status).toBe(400);
  });
});

describe('what a user or a tenant granted', () => {
  it("ends with the user: a deleted user's sessions and pending invitations", async () => {
    const { browser: admin } = await signedInUser(broker, tenant.id);
    const { browser: leaving } = await signedInUser(broker, tenant.id);
    const sent = await pendingInvitation(leaving);
    expect((await admin.request('DELETE', `/api/v1/users/${leaving.user?.id}`)).status).toBe(204);
    expect((await leaving.request('GET', '/api/v1/console/session')).status).toBe(401);
    expect((await new ConsoleBrowser(broker).accept(sent)).status).toBe(400);
    expect((await admin.request('DELETE', `/api/v1/users/${leaving.user?.id}`)).status).toBe(404);
  });

  it("ends with the tenant: a deleted tenant's sessions and pending invitations", async () => {
    const doomed = await createTenant(broker);
    const { browser } = await signedInUser(broker, doomed.id);
    const sentByUser = await pendingInvitation(browser);
    const sentByOperator = await operatorInvites(broker, doomed.id);
    expect((await del(`${broker.internalUrl}/admin/v1/tenants/${doomed.id}`, TEST_OPERATOR_TOKEN)).status).toBe(204);
    expect((await browser.request('GET', '/api/v1/console/session')).status).toBe(401);
    for (const token of [sentByUser, sentByOperator.token]) {
      expect((await new ConsoleBrowser(broker).accept(token)).status).toBe(400);
    }
    expect(await sql('SELECT 1 FROM user_invitations WHERE tenant_id = $1', [doomed.id])).toEqual([]);
    expect(await sql('SELECT 1 FROM users WHERE tenant_id = $1', [doomed.id])).toEqual([]);
  });
});

describe('expired invitations', () => {
  it('cannot be accepted (410), and the worker removes them a day after they expired', async () => {
    const lately = await operatorInvites(broker, tenant.id);
    const long = await operatorInvites(broker, tenant.id);
    await sql("UPDATE user_invitations SET expires_at = now() - interval '1 hour' WHERE email = $1", [lately.email]);
    await sql("UPDATE user_invitations SET expires_at = now() - interval '25 hours' WHERE email = $1", [long.email]);
    for (const { token } of [lately, long]) {
      expect(await new ConsoleBrowser(broker).accept(token)).toMatchObject({
        status: 410,
        body: { message: 'the invitation is expired' },
      });
    }
    // A worker sweeps when it starts, then every hour.
    const worker = await startBroker({ env: { ROLES: 'worker', INSTANCE_ID: 'e2e-invitation-sweep' } });
    try {
      await expect
        .poll(() => sql('SELECT 1 FROM user_invitations WHERE email = $1', [long.email]), { timeout: 15_000 })
        .toEqual([]);
    } finally {
      await worker.stop();
    }
    expect((await new ConsoleBrowser(broker).accept(long.token)).status).toBe(400);
    expect((await new ConsoleBrowser(broker).accept(lately.token)).status).toBe(410);
  });
});
