// What a tenant's admin does in the console, in Debian's Chromium against the real broker: accept an
// invitation, sign out and in, import and export CEM nodes as CSV, create one, issue a pairing code,
// pair a simulated RM with the code the page shows, watch the RM's messages arrive in the inspector,
// and unpair it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pairWithCem, startSession } from '#rm-client';
import { powerMeasurement } from '#s2-json/testing';
import { type Broker, startBroker } from '../support/broker.js';
import { operatorInvites } from '../support/console.js';
import { type Browser, launchBrowser, type WatchedPage } from '../support/browser.js';
import { createTenant, get, RM_ENDPOINT, rmNode, rmWithSession, type Tenant } from '../support/s2-connect.js';
import { connect, type Peer } from '../support/ws-peer.js';

let broker: Broker;
let browser: Browser;
let tenant: Tenant;

beforeAll(async () => {
  broker = await startBroker();
  browser = await launchBrowser();
  tenant = await createTenant(broker);
});

afterAll(async () => {
  await browser?.close();
  await broker?.stop();
});

const PASSWORD = 'a long enough console password';

/** A new admin of the tenant, signed in in a new tab through the invitation page. */
async function signedInPage(): Promise<WatchedPage> {
  const { invitationUrl } = await operatorInvites(broker, tenant.id, 'admin');
  const watched = await browser.page();
  const { page } = watched;
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(invitationUrl);
  await page.getByLabel('Name').fill('Ada Admin');
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
  await page.getByRole('textbox', { name: 'Password again' }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('heading', { name: 'CEM nodes' }).waitFor();
  return watched;
}

/** Whether this broker serves the inspector's live feed (its OpenAPI document names it). */
async function servesLiveFeed(): Promise<boolean> {
  const document = (await (await fetch(`${broker.url}/api/openapi.json`)).json()) as { paths: object };
  return '/api/v1/rms/{rmNodeId}/messages/live' in document.paths;
}

describe('the console, as a tenant admin uses it', () => {
  it('accepts an invitation, signs in, imports, creates a node, issues a code, pairs an RM and unpairs it', async () => {
    const { email, invitationUrl: link } = await operatorInvites(broker, tenant.id, 'admin');
    const { page, refused, exceptions } = await browser.page();
    page.on('dialog', (dialog) => void dialog.accept());

    await page.goto(link);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await page.getByLabel('Name').fill('Ada Admin');
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(PASSWORD);
    await page.getByRole('textbox', { name: 'Password again' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create my account' }).click();
    await page.getByRole('heading', { name: 'CEM nodes' }).waitFor();
    expect(page.url()).not.toContain('invitation');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to s2-broker' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('textbox', { name: 'Password' }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'CEM nodes' }).waitFor();

    // A CSV import reports each row; the export has what the list shows.
    const csv =
      'brand,type,modelName,externalRef\nAcme,EMS,Home CEM,site-1\n,EMS,Home CEM,site-2\nAcme,EMS,Home CEM,site-3\n';
    await page
      .locator('input[type=file]')
      .setInputFiles({ name: 'nodes.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const report = page.getByTestId('import-report');
    await report.getByText('Import: 2 of 3 rows created').waitFor();
    expect(await report.locator('tbody tr').allTextContents()).toEqual([
      expect.stringMatching(/^2site-1created[a-z0-9]+$/),
      '3site-2refusedbrand empty',
      expect.stringMatching(/^4site-3created[a-z0-9]+$/),
    ]);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const exported = await readFile((await (await download).path()) ?? '', 'utf8');
    expect(exported.split('\r\n')[0]).toBe(
      'id,nodeIdAlias,brand,type,modelName,userDefinedName,logoUrl,externalRef,createdAt',
    );
    expect(exported).toContain(',site-1,');
    expect(exported).toContain(',site-3,');

    await page.getByRole('button', { name: 'New CEM node' }).click();
    await page.getByLabel('Brand').fill('Acme');
    await page.getByLabel('Type').fill('EMS');
    await page.getByLabel('Model name').fill('Home CEM');
    await page.getByLabel('Name shown to the user').fill('Flat 12');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'CEM node Flat 12' }).waitFor();

    await page.getByRole('button', { name: 'Issue pairing code' }).click();
    const shown = page.getByTestId('pairing-code');
    await shown.waitFor();
    const pairingCode = (await page.getByTestId('pairing-code-text').textContent()) ?? '';
    const pairingUrl = (await shown.locator('code').first().textContent()) ?? '';
    expect(await shown.getByRole('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await page.getByTestId('countdown').textContent()).toMatch(/^Expires in \d+:\d\d$/);

    // The RM types what the page showed.
    const rm = rmNode();
    const pairing = await pairWithCem({ pairingUrl, pairingCode, node: rm, endpoint: RM_ENDPOINT });
    const session = await startSession({
      initiateSessionUrl: `${broker.url}/session/`,
      accessTokens: [pairing.accessToken],
      clientNodeId: rm.id,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions: ['v1.0.0'],
    });
    const peer: Peer = await connect(`${broker.url.replace('http', 'ws')}/s2/v1/ws`, session.websocketToken);
    try {
      await page.reload();
      await page.getByRole('link', { name: new RegExp(rm.id) }).click();
      await page.getByRole('heading', { name: `RM ${rm.id}` }).waitFor();
      await page.getByRole('button', { name: 'Unpair' }).click();
      await page.getByText('No RM is paired with this node.').waitFor();
      const left = await get(`${broker.url}/api/v1/pairings?cemNodeId=${pairing.serverNodeDescription.id}`, tenant.jwt);
      expect(left.body).toMatchObject({ items: [] });
    } finally {
      peer.close();
    }

    const audit = await get(`${broker.url}/api/v1/audit-events?action=cem_node.created`, tenant.jwt);
    expect((audit.body as { items: { actorType: string }[] }).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ actorType: 'user' })]),
    );
    expect(refused).toEqual([]);
    expect(exceptions).toEqual([]);
    await page.close();
  });

  it("shows a paired RM's messages live in the inspector, both ways, with the verdict and the broker's answer", async (ctx) => {
    // The live feed comes with message history; a broker without it has no inspector to open.
    if (!(await servesLiveFeed())) return ctx.skip();
    const rm = await rmWithSession(broker.url, tenant);
    const peer = await connect(`${broker.url.replace('http', 'ws')}/s2/v1/ws`, rm.websocketToken);
    const { page, refused, exceptions } = await signedInPage();
    try {
      // The invitation link is on PUBLIC_URL's host, which holds the session cookie.
      await page.goto(`${new URL(page.url()).origin}/console/#/rms/${rm.rmNodeId}/inspector`);
      await expect.poll(() => page.getByTestId('feed-state').textContent(), { timeout: 15_000 }).toBe('live');
      // The gateway starts tapping an RM within a second of the inspector asking; until then nothing shows.
      const messages = page.getByTestId('inspector-messages');
      await expect
        .poll(
          async () => {
            peer.send(powerMeasurement(42));
            return messages.getByText('PowerMeasurement').count();
          },
          { timeout: 15_000, interval: 500 },
        )
        .toBeGreaterThan(0);
      peer.send({ message_type: 'PowerMeasurement', message_id: 'not-a-uuid' });
      await messages.getByText('rejected').first().waitFor();
      await messages.getByText('rejected').first().click();
      await expect.poll(() => page.locator('pre').first().textContent()).toContain('"message_id": "not-a-uuid"');
      await expect.poll(() => page.locator('pre').nth(1).textContent()).toContain('"message_type": "ReceptionStatus"');
      // The oldest row is a well-formed measurement (with no CEM connected its verdict is not 'delivered').
      await messages.locator('tbody tr').last().click();
      await expect.poll(() => page.locator('pre').first().textContent()).toContain('"value": 42');
    } finally {
      peer.close();
    }
    expect(refused).toEqual([]);
    expect(exceptions).toEqual([]);
    await page.close();
  });
});
