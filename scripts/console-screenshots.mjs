#!/usr/bin/env node
// `node scripts/console-screenshots.mjs`: starts the built broker with demo data (a tenant, CEM nodes,
// simulated RMs with live sessions sending measurements), signs in through an invitation in Debian's
// Chromium and writes a screenshot of each main page of the console into docs/console/.
// Needs `npm run build`, PostgreSQL and Redis: DATABASE_URL (a scratch database: it is migrated and
// filled) and REDIS_URL (default redis://127.0.0.1:6379).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import WebSocket from 'ws';

const root = fileURLToPath(new URL('..', import.meta.url));
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const out = join(root, 'docs', 'console');
const { pairWithCem, startSession } = await import(join(root, 'dist', 'libs', 'rm-client', 'src', 'index.js'));

if (!process.env.DATABASE_URL) {
  process.stderr.write('console-screenshots: set DATABASE_URL to a scratch database\n');
  process.exit(2);
}

const port = await freePort();
const internalPort = await freePort();
const url = `http://localhost:${port}`;
const internalUrl = `http://localhost:${internalPort}`;
const operatorToken = randomBytes(32).toString('base64url');
const env = {
  ...process.env,
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  PORT: String(port),
  INTERNAL_PORT: String(internalPort),
  PUBLIC_URL: url,
  OPERATOR_TOKEN: operatorToken,
  JWT_SECRET: randomBytes(32).toString('base64url'),
  SECRETS_KEYS: `demo:${randomBytes(32).toString('base64')}`,
  LOG_LEVEL: 'warn',
  // The demo has no CEM software: the RMs' messages are answered at once rather than held for one, so
  // that they are in the history (and the RM page's plot) when the pages are taken.
  CEM_HOLD_SECONDS: '0',
};

const migrated = spawnSync(process.execPath, [main, 'migrate'], { env, stdio: 'inherit' });
if (migrated.status !== 0) process.exit(1);
const broker = spawn(process.execPath, [main, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const sockets = [];
const profile = mkdtempSync(join(tmpdir(), 's2b-screens-'));
let context;
try {
  await waitForLive();
  const demo = await seed();
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1360, height: 860 },
  });
  const page = await context.newPage();
  mkdirSync(out, { recursive: true });
  await page.goto(`${url}/console/`);
  await page.getByRole('heading', { name: 'Sign in to s2-broker' }).waitFor();
  await shot(page, 'sign-in');
  const link = await invitation(`/admin/v1/tenants/${demo.tenantId}/invitations`, {
    email: 'ada@demo-energy.example',
    role: 'admin',
  });
  if (link === undefined) {
    process.stderr.write('console-screenshots: no invitation endpoint; only the sign-in page was taken\n');
  } else {
    await accept(page, link, 'Ada Lovelace');
    await shot(page, 'nodes');
    await page.goto(`${url}/console/#/nodes/${demo.nodeIds[0]}`);
    await page.getByRole('button', { name: 'Issue pairing code' }).click();
    await page.getByTestId('pairing-code').waitFor();
    await shot(page, 'node-pairing-code');
    await page.goto(`${url}/console/#/pairings`);
    await page
      .getByTestId('pairings-count')
      .getByText(/^3 pairings shown; 2 live sessions$/)
      .waitFor();
    await shot(page, 'pairings');
    await page.goto(`${url}/console/#/rms/${encodeURIComponent(demo.rms[0].id)}`);
    await page.getByText('Measured power and instructions').waitFor();
    await page.waitForTimeout(800);
    await shot(page, 'rm');
    await page.goto(`${url}/console/#/rms/${encodeURIComponent(demo.rms[0].id)}/inspector`);
    await page.getByTestId('feed-state').getByText('live').waitFor();
    for (let i = 0; i < 8; i++) {
      demo.rms[0].socket.send(JSON.stringify(measurement(1800 + i * 120)));
      if (i === 5) demo.rms[0].socket.send(JSON.stringify({ message_type: 'PowerMeasurement', message_id: 'oops' }));
      await page.waitForTimeout(400);
    }
    await page.getByTestId('inspector-messages').getByText('PowerMeasurement').first().click();
    await shot(page, 'inspector');
    for (const [path, name] of [
      ['/webhooks', 'webhooks'],
      ['/service-accounts', 'service-accounts'],
      ['/audit', 'audit'],
      ['/users', 'users'],
      ['/settings', 'settings'],
    ]) {
      await page.goto(`${url}/console/#${path}`);
      await settle(page);
      await shot(page, name);
    }
    const operatorLink = await invitation('/admin/v1/operators/invitations', { email: 'operator@broker.example' });
    if (operatorLink !== undefined) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await accept(page, operatorLink, 'Grace Operator');
      await page.waitForLoadState('networkidle');
      await shot(page, 'operator');
    }
  }
} finally {
  for (const socket of sockets) socket.close();
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  broker.kill('SIGTERM');
}

// A change of the fragment loads no document, so the load states say nothing: wait for the spinners.
async function settle(page) {
  await page.waitForTimeout(300);
  await page.locator('.mantine-Loader-root').first().waitFor({ state: 'detached' });
}

async function shot(page, name) {
  await page.screenshot({ path: join(out, `${name}.png`) });
  process.stdout.write(`docs/console/${name}.png\n`);
}

async function accept(page, link, name) {
  await page.goto(link);
  await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
  const password = randomBytes(12).toString('base64url');
  await page.getByLabel('Name').fill(name);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password);
  await page.getByRole('textbox', { name: 'Password again' }).fill(password);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  await page.waitForLoadState('networkidle');
}

async function invitation(path, body) {
  const answer = await call('POST', `${internalUrl}${path}`, body, operatorToken);
  if (answer.status === 404) return undefined;
  return /"(https?:[^"]*\/console\/#\/invitation\/[^"]+)"/.exec(JSON.stringify(answer.body))?.[1];
}

/** A tenant with CEM nodes, a webhook, a second service account, and RMs paired and sending. */
async function seed() {
  const tenant = await call('POST', `${internalUrl}/admin/v1/tenants`, { name: 'Demo Energy' }, operatorToken);
  const token = await call('POST', `${url}/api/v1/auth/token`, tenant.body.serviceAccount);
  const jwt = token.body.accessToken;
  const homes = ['Flat 12', 'Mill House', 'Rose Cottage', 'The Old School', 'Unit 4B', 'Harbour View'];
  const created = await call(
    'POST',
    `${url}/api/v1/cem-nodes:batch`,
    {
      nodes: homes.map((name, i) => ({
        brand: 'Acme',
        type: 'EMS',
        modelName: 'Home CEM 2',
        userDefinedName: name,
        externalRef: `site-${1001 + i}`,
      })),
    },
    jwt,
  );
  const nodeIds = created.body.items.map((node) => node.id);
  await call('PUT', `${url}/api/v1/settings/history`, { enabled: true, maxMessages: 1000, maxAgeSeconds: 86400 }, jwt);
  await call(
    'POST',
    `${url}/api/v1/webhooks`,
    { url: 'https://hooks.demo-energy.example/s2', eventTypes: ['pairing.created', 'session.opened'] },
    jwt,
  );
  await call('POST', `${url}/api/v1/service-accounts`, { name: 'billing export' }, jwt);
  const devices = [
    { brand: 'Volta', type: 'EV charger', modelName: 'V22' },
    { brand: 'Nordwarm', type: 'Heat pump', modelName: 'HP-9' },
    { brand: 'Sunbox', type: 'Battery', modelName: 'SB10' },
  ];
  const rms = [];
  for (const [i, device] of devices.entries()) {
    const code = await call('POST', `${url}/api/v1/cem-nodes/${nodeIds[i]}/pairing-codes`, {}, jwt);
    const node = { id: randomUUID(), role: 'RM', ...device };
    const pairing = await pairWithCem({
      pairingUrl: code.body.pairingUrl,
      pairingCode: code.body.pairingCode,
      node,
      endpoint: { name: `${device.brand} cloud`, deployment: 'WAN' },
    });
    if (i === 2) continue;
    const session = await startSession({
      initiateSessionUrl: `${url}/session/`,
      accessTokens: [pairing.accessToken],
      clientNodeId: node.id,
      serverNodeId: pairing.serverNodeDescription.id,
      supportedS2MessageVersions: ['v1.0.0'],
    });
    const socket = new WebSocket(`${url.replace('http', 'ws')}/s2/v1/ws`, {
      headers: { authorization: `Bearer ${session.websocketToken}` },
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    sockets.push(socket);
    rms.push({ id: node.id, socket });
  }
  // Some history for the RM page's plot: a morning's worth of measurements, one every few minutes.
  for (let i = 0; i < 40; i++) {
    rms[0].socket.send(
      JSON.stringify(measurement(1500 + Math.round(1200 * Math.sin(i / 6)), Date.now() - (40 - i) * 180_000)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { tenantId: tenant.body.id, nodeIds, rms };
}

function measurement(watts, at = Date.now()) {
  return {
    message_type: 'PowerMeasurement',
    message_id: randomUUID(),
    measurement_timestamp: new Date(at).toISOString(),
    values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: watts }],
  };
}

async function call(method, target, body, bearer) {
  const headers = { 'content-type': 'application/json' };
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const answer = await fetch(target, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await answer.text();
  return { status: answer.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function waitForLive() {
  for (let i = 0; i < 100; i++) {
    const live = await fetch(`${internalUrl}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
    if (live) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the broker did not start');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
