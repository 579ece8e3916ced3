// People in the console: invitations, sign-in, the session cookie and its CSRF token, the roles on
// every /api/v1 route, the audit trail under the user's name, and sessions that end when idle. Disabling,
// roles, and what ends with a user or a tenant: console-users.e2e-spec.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, MAIN, startBroker, TEST_OPERATOR_TOKEN } from './support/broker.js';
import { startNode } from './support/processes.js';
import {
  ConsoleBrowser,
  COOKIE_NAME,
  invitationToken,
  operatorInvites,
  signedInUser,
  TEST_PASSWORD,
} from './support/console.js';
import { createTenant, get, post, sql, type Tenant } from './support/s2-connect.js';

let broker: Broker;
let tenant: Tenant;
/** Everything that must never reach a log line. */
const secrets: string[] = [TEST_PASSWORD];

const NODE = { brand: 'Acme', type: 'EMS', modelName: 'Console' };

beforeAll(async () => {
  broker = await startBroker();
  tenant = await createTenant(broker);
  secrets.push(tenant.jwt);
});

afterAll(async () => {
  await broker?.stop();
});

function remember(browser: ConsoleBrowser, token?: string): void {
  for (const secret of [browser.cookie, browser.csrfToken, token]) if (secret !== undefined) secrets.push(secret);
}

describe('signing in', () => {
  it('answers a wrong password and an unknown email with the same 401', async () => {
    const { browser, email, token } = await signedInUser(broker, tenant.id);
    remember(browser, token);
    const wrong = await new ConsoleBrowser(broker).signIn(email, 'not the password at all');
    const unknown = await new ConsoleBrowser(broker).signIn('nobody@example.com', TEST_PASSWORD);
    const body = { statusCode: 401, error: 'Unauthorized', message: 'wrong email or password' };
    expect(wrong).toMatchObject({ status: 401, body });
    expect(unknown).toMatchObject({ status: 401, body });
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const right = new ConsoleBrowser(broker);
    const signedIn = await right.signIn(email.toUpperCase());
    remember(right);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ user: { email, role: 'admin', tenantId: tenant.id } });
    expect(signedIn.headers.get('cache-control')).toBe('no-store');
  });

  it('sets a __Host- cookie that is HttpOnly, Secure, SameSite=Strict, Path=/ and has no Domain', async () => {
    const { email } = await signedInUser(broker, tenant.id);
    const browser = new ConsoleBrowser(broker);
    const answer = await browser.signIn(email);
    remember(browser);
    const cookie = answer.headers.get('set-cookie') ?? '';
    const [pair = '', ...attributes] = cookie.split(';').map((part) => part.trim());
    expect(pair).toMatch(new RegExp(`^${COOKIE_NAME}=[A-Za-z0-9_-]{43}$`));
    expect(attributes).toEqual(expect.arrayContaining(['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']));
    expect(attributes.some((attribute) => /^domain=/i.test(attribute))).toBe(false);
    // The token is the cookie's only: the body carries the CSRF token, never the session's.
    expect(JSON.stringify(answer.body)).not.toContain(browser.cookie);
  });

  it('answers the session to its cookie, and 401 without one', async () => {
    const { browser } = await signedInUser(broker, tenant.id, 'viewer');
    remember(browser);
    const current = await browser.request('GET', '/api/v1/console/session');
    expect(current).toMatchObject({ status: 200, body: { csrfToken: browser.csrfToken, user: { role: 'viewer' } } });
    const anonymous = await new ConsoleBrowser(broker).request('GET', '/api/v1/console/session');
    expect(anonymous).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });
  });

  it('signs out only with the CSRF token, and the cookie then opens nothing', async () => {
    const { browser } = await signedInUser(broker, tenant.id);
    remember(browser);
    const forged = await browser.request('DELETE', '/api/v1/console/session', undefined, { csrf: false });
    expect(forged.status).toBe(403);
    const cookie = browser.cookie;
    const out = await browser.request('DELETE', '/api/v1/console/session');
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`^${COOKIE_NAME}=;.*Max-Age=0`));
    browser.cookie = cookie;
    expect((await browser.request('GET', '/api/v1/cem-nodes')).status).toBe(401);
  });
});

describe('the cookie on the tenant API', () => {
  it('refuses a change without the CSRF header or with a wrong one, and takes it with the right one', async () => {
    const { browser } = await signedInUser(broker, tenant.id);
    remember(browser);
    const forbidden = { statusCode: 403, error: 'Forbidden', message: 'CSRF token missing or wrong' };
    expect(await browser.request('POST', '/api/v1/cem-nodes', NODE, { csrf: false })).toMatchObject({
      status: 403,
      body: forbidden,
    });
    expect(await browser.request('POST', '/api/v1/cem-nodes', NODE, { csrf: 'x'.repeat(43) })).toMatchObject({
      status: 403,
      body: forbidden,
    });
    const created = await browser.request('POST', '/api/v1/cem-nodes', NODE);
    expect(created.status).toBe(201);
    // A read needs no header.
    expect((await browser.request('GET', '/api/v1/cem-nodes', undefined, { csrf: false })).status).toBe(200);
  });

  it('keeps the change in the audit trail under the user, with their email', async () => {
    const { browser, email } = await signedInUser(broker, tenant.id);
    remember(browser);
    const created = await browser.request('POST', '/api/v1/cem-nodes', NODE);
    const { id } = created.body as { id: string };
    const audit = await get(`${broker.url}/api/v1/audit-events?subjectId=${id}`, tenant.jwt);
    expect(audit.status).toBe(200);
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        action: 'cem_node.created',
        actorType: 'user',
        actorId: browser.user?.id,
        data: expect.objectContaining({ actorEmail: email }) as unknown,
      }),
    ]);
  });

  it('lets a viewer read and nothing else', async () => {
    const { browser } = await signedInUser(broker, tenant.id, 'viewer');
    remember(browser);
    expect((await browser.request('GET', '/api/v1/cem-nodes')).status).toBe(200);
    expect((await browser.request('GET', '/api/v1/users')).status).toBe(200);
    expect(await browser.request('POST', '/api/v1/cem-nodes', NODE)).toMatchObject({
      status: 403,
      body: { statusCode: 403, error: 'Forbidden', message: 'a viewer may only read' },
    });
    expect(
      (await browser.request('POST', '/api/v1/users/invitations', { email: 'x@example.com', role: 'admin' })).status,
    ).toBe(403);
  });

  it('gives an operator no tenant route', async () => {
    const { browser } = await signedInUser(broker, null);
    remember(browser);
    expect(browser.user).toMatchObject({ role: 'operator', tenantId: null });
    expect((await browser.request('GET', '/api/v1/cem-nodes')).status).toBe(403);
    expect((await browser.request('POST', '/api/v1/cem-nodes', NODE)).status).toBe(403);
  });

  it('lets a JWT win over a cookie, and leaves service accounts as they were', async () => {
    const { browser } = await signedInUser(broker, tenant.id, 'viewer');
    remember(browser);
    const created = await fetch(`${broker.url}/api/v1/cem-nodes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tenant.jwt}`,
        cookie: `${COOKIE_NAME}=${browser.cookie}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify(NODE),
    });
    expect(created.status).toBe(201);
  });
});

describe('invitations and users', () => {
  it('lets an admin invite: the link works once, and the audit trail has the invitation without its token', async () => {
    const { browser: admin } = await signedInUser(broker, tenant.id);
    remember(admin);
    const email = `Invited-${Date.now()}@Example.com`;
    const invited = await admin.request('POST', '/api/v1/users/invitations', { email, role: 'viewer' });
    expect(invited.status).toBe(201);
    const { invitationUrl, expiresAt } = invited.body as { invitationUrl: string; expiresAt: string };
    expect(invited.body).toMatchObject({ email: email.toLowerCase(), role: 'viewer' });
    expect(invitationUrl.startsWith(`${broker.url.replace('127.0.0.1', 'localhost')}/console/#/invitation/`)).toBe(
      true,
    );
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
    const token = invitationToken(invitationUrl);
    secrets.push(token);

    const joiner = new ConsoleBrowser(broker);
    const joined = await joiner.accept(token);
    remember(joiner);
    expect(joined).toMatchObject({ status: 200, body: { user: { email: email.toLowerCase(), role: 'viewer' } } });
    expect((await joiner.request('GET', '/api/v1/cem-nodes')).status).toBe(200);
    expect((await new ConsoleBrowser(broker).accept(token)).status).toBe(410);

    const users = await admin.request('GET', '/api/v1/users');
    expect((users.body as { items: { email: string }[] }).items.map((user) => user.email)).toContain(
      email.toLowerCase(),
    );
    const audit = await get(
      `${broker.url}/api/v1/audit-events?subjectId=${(invited.body as { id: string }).id}`,
      tenant.jwt,
    );
    expect(JSON.stringify(audit.body)).not.toContain(token);
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ action: 'user.invited', actorType: 'user', actorId: admin.user?.id }),
    ]);
  });

  it('refuses an expired invitation (410), an unknown token (400) and a short password (400)', async () => {
    const expired = await operatorInvites(broker, tenant.id);
    await sql("UPDATE user_invitations SET expires_at = now() - interval '1 second' WHERE email = $1", [expired.email]);
    expect(await new ConsoleBrowser(broker).accept(expired.token)).toMatchObject({
      status: 410,
      body: { statusCode: 410, error: 'Gone', message: 'the invitation is expired' },
    });
    expect((await new ConsoleBrowser(broker).accept('not-a-token-of-ours')).status).toBe(400);
    const fresh = await operatorInvites(broker, tenant.id);
    const short = await new ConsoleBrowser(broker).accept(fresh.token, 'short');
    expect(short.status).toBe(400);
    expect(String((short.body as { message: string }).message)).toMatch(/^password:/);
    // Refusing the password did not spend the invitation.
    expect((await new ConsoleBrowser(broker).accept(fresh.token)).status).toBe(200);
  });

  it('refuses to invite an email that already has a user', async () => {
    const { email } = await signedInUser(broker, tenant.id);
    const again = await post(
      `${broker.internalUrl}/admin/v1/tenants/${tenant.id}/invitations`,
      { email, role: 'admin' },
      TEST_OPERATOR_TOKEN,
    );
    expect(again.status).toBe(409);
  });

  it('ends a session idle for 12 hours', async () => {
    const { browser } = await signedInUser(broker, tenant.id);
    remember(browser);
    await sql("UPDATE console_sessions SET last_seen_at = now() - interval '12 hours 1 minute' WHERE user_id = $1", [
      browser.user?.id,
    ]);
    expect((await browser.request('GET', '/api/v1/console/session')).status).toBe(401);
  });
});

describe('the operator view', () => {
  it('shows an operator the tenants with their counts, the replicas and health, and lets them onboard a tenant', async () => {
    const { browser } = await signedInUser(broker, null);
    remember(browser);
    const created = await browser.request('POST', '/api/v1/operator/tenants', { name: 'Onboarded in the console' });
    expect(created.status).toBe(201);
    const { id, serviceAccount } = created.body as { id: string; serviceAccount: { clientSecret: string } };
    secrets.push(serviceAccount.clientSecret);
    const invited = await browser.request('POST', `/api/v1/operator/tenants/${id}/invitations`, {
      email: `first-admin-${Date.now()}@example.com`,
    });
    expect(invited).toMatchObject({ status: 201, body: { role: 'admin' } });
    const firstAdmin = new ConsoleBrowser(broker);
    const token = invitationToken((invited.body as { invitationUrl: string }).invitationUrl);
    secrets.push(token);
    expect((await firstAdmin.accept(token)).body).toMatchObject({ user: { role: 'admin', tenantId: id } });
    remember(firstAdmin);
    expect((await firstAdmin.request('POST', '/api/v1/cem-nodes', NODE)).status).toBe(201);

    let cursor: string | null = null;
    const tenants: { id: string; counts: { cemNodes: number; pairings: number; liveSessions: number } }[] = [];
    do {
      const page = await browser.request(
        'GET',
        `/api/v1/operator/tenants?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      const body = page.body as { items: typeof tenants; nextCursor: string | null };
      tenants.push(...body.items);
      cursor = body.nextCursor;
    } while (cursor !== null);
    expect(tenants.find((t) => t.id === id)?.counts).toEqual({ cemNodes: 1, pairings: 0, liveSessions: 0 });

    const replicas = await browser.request('GET', '/api/v1/operator/replicas');
    expect(replicas.status).toBe(200);
    expect((replicas.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ alive: true, draining: false, sessions: expect.any(Number) as unknown }),
    );
    expect(await browser.request('GET', '/api/v1/operator/health')).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'up', redis: 'up' } },
    });
    const audit = await get(`${broker.internalUrl}/admin/v1/audit-events?tenantId=${id}`, TEST_OPERATOR_TOKEN);
    expect((audit.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({ action: 'tenant.created', actorType: 'user', actorId: browser.user?.id }),
    );
  });

  it("is closed to a tenant's admin and to service accounts", async () => {
    const { browser } = await signedInUser(broker, tenant.id);
    remember(browser);
    expect((await browser.request('GET', '/api/v1/operator/tenants')).status).toBe(403);
    expect((await get(`${broker.url}/api/v1/operator/replicas`, tenant.jwt)).status).toBe(403);
  });
});

describe('s2-broker user invite', () => {
  const operator = () => ({ S2_BROKER_INTERNAL_URL: broker.internalUrl, OPERATOR_TOKEN: TEST_OPERATOR_TOKEN });
  const run = async (args: string[]) => {
    const running = startNode([MAIN, 'user', 'invite', ...args], { env: operator() });
    return { code: await running.exited, stdout: running.stdout, stderr: running.stderr };
  };

  it("prints an operator's and a tenant admin's invitation link, each good for one sign-up", async () => {
    const asOperator = await run([
      '--operator',
      '--email',
      `cli-op-${Date.now()}@example.com`,
      '--print',
      'invitationUrl',
    ]);
    expect(asOperator.code).toBe(0);
    const asAdmin = await run(['--tenant', tenant.id, '--email', `cli-admin-${Date.now()}@example.com`]);
    expect(asAdmin.code).toBe(0);
    const invitation = JSON.parse(asAdmin.stdout[0] ?? '{}') as { role: string; invitationUrl: string };
    expect(invitation.role).toBe('admin');
    for (const url of [asOperator.stdout[0] ?? '', invitation.invitationUrl]) {
      const token = invitationToken(url);
      secrets.push(token);
      const browser = new ConsoleBrowser(broker);
      expect((await browser.accept(token)).status).toBe(200);
      remember(browser);
    }
  });

  it('says what is missing, with exit code 2', async () => {
    const missing = await run(['--email', 'x@example.com']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.join('\n')).toContain('--operator or --tenant is required');
  });
});

describe('the logs', () => {
  it('hold no password, cookie, CSRF token, invitation token or JWT of the whole run', () => {
    const lines = [...broker.stdout, ...broker.stderr];
    expect(lines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });
});
