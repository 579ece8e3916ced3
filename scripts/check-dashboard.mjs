#!/usr/bin/env node
// Checks deploy/grafana/s2-broker.json and the PrometheusRule alerts in deploy/ against a real
// Prometheus: starts a broker (all roles, on a fresh database and a Redis of its own), has Prometheus
// scrape its internal port every second, drives a little traffic through the broker's own command line
// (a tenant, a CEM node, a pairing code, simulate-rm replaying the EV example to `cem tail --reply`, one
// refused upgrade, one refused pairing, and a webhook receiver that takes the first delivery and fails
// the next into a dead letter), then runs every panel query and every alert expression through the
// HTTP API.
//
// Fails on a query Prometheus refuses, on a panel query that returns no series after that traffic (or,
// for the webhook and refusal panels, series the traffic did not move), and on an alert expression that returns anything (with no fault, none should fire).
//
//   npm run build && node scripts/check-dashboard.mjs
//
// Needs PostgreSQL (CHECK_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres: the
// database it creates and drops sits next to that one), redis-server and prometheus on the PATH
// (Debian: apt-get install redis-server prometheus; run as root without prometheus, it installs it).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MAIN = join(root, 'dist/apps/cli/src/main.js');
const DASHBOARD = join(root, 'deploy/grafana/s2-broker.json');
const SCRAPE_JOBS = ['s2-broker-internal-gateway', 's2-broker-internal-api', 's2-broker-internal-worker'];
const run = promisify(execFile);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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

/** Waits until `probe` resolves true, or fails naming `what`. */
async function until(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

/** A child whose output is kept, shown only when the check fails. */
function start(name, command, args, env) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => output.push(chunk));
  child.on('error', (error) => output.push(Buffer.from(`${error.message}\n`)));
  return { name, child, output: () => Buffer.concat(output).toString() };
}

function stop({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('close', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The `export NAME='value'` lines of a command's --env output as an object. */
function exportsOf(text) {
  const values = {};
  for (const match of text.matchAll(/^export ([A-Z0-9_]+)='((?:[^']|'\\'')*)'$/gm))
    values[match[1]] = match[2].replace(/'\\''/g, "'");
  return values;
}

/** Every PrometheusRule alert expression under deploy/, as {alert, expr, file}. */
function alertExpressions(dir = join(root, 'deploy'), found = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) alertExpressions(path, found);
    else if (/\.ya?ml$/.test(entry)) {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const object = doc.toJS();
        if (object?.kind !== 'PrometheusRule') continue;
        for (const group of object.spec?.groups ?? [])
          for (const rule of group.rules ?? [])
            if (rule.alert) found.push({ alert: rule.alert, expr: rule.expr, file: path.slice(root.length + 1) });
      }
    }
  }
  return found;
}

/** Every query of every panel, rows' nested panels included, as {panel, refId, expr}. */
function panelQueries(dashboard) {
  const found = [];
  const visit = (panels) => {
    for (const panel of panels ?? []) {
      for (const target of panel.targets ?? [])
        found.push({ panel: panel.title, refId: target.refId, expr: target.expr });
      visit(panel.panels);
    }
  };
  visit(dashboard.panels);
  return found;
}

/** One refused WebSocket upgrade (no bearer token), so that the refusal series exist. */
function refusedUpgrade(port) {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/s2/v1/ws',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('upgrade', () => reject(new Error('an upgrade without a token was accepted')));
    req.on('error', reject);
    req.end();
  });
}

/** A webhook receiver that takes the first delivery and answers 503 to every one after it. */
async function flakyReceiver() {
  let answered = 0;
  const server = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(answered++ === 0 ? 204 : 503).end());
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => server.close() };
}

const moved = (series) => Number(series.value[1]) > 0;

/**
 * Panels whose figures the traffic must have moved, not merely exported at 0: webhook tries of every
 * outcome (one delivered, one retried, one dead letter), refused upgrades and a refused pairing.
 */
const MUST_MOVE = {
  'Webhook tries by outcome': (result) =>
    ['delivered', 'retry', 'dead'].every((outcome) => result.some((s) => s.metric.outcome === outcome && moved(s))),
  'Webhook dead letters': (result) => result.some(moved),
  'WebSocket upgrades refused': (result) => result.some(moved),
  'Pairing attempts by step and outcome': (result) => result.some((s) => s.metric.outcome !== 'ok' && moved(s)),
};

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

/** Debian's prometheus package when the binary is missing and this may install packages (root). */
function ensurePrometheus() {
  if (onPath('prometheus')) return;
  if (process.getuid?.() !== 0 || !onPath('apt-get'))
    throw new Error('prometheus is not on the PATH (Debian: apt-get install prometheus)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update'], ['install', '-y', '--no-install-recommends', 'prometheus']]) {
    if (spawnSync('apt-get', args, { env, stdio: 'inherit' }).status !== 0)
      throw new Error(`apt-get ${args.join(' ')} failed`);
  }
}

async function main() {
  ensurePrometheus();
  if (!existsSync(MAIN)) throw new Error(`${MAIN} does not exist: run \`npm run build\` first`);
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const panels = panelQueries(dashboard);
  const alerts = alertExpressions();
  if (panels.length === 0) throw new Error('the dashboard has no panel queries');

  const work = mkdtempSync(join(tmpdir(), 's2b-dashboard-'));
  const adminUrl = process.env.CHECK_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const database = `s2_broker_dashboard_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${database}`;

  const children = [];
  const receiver = await flakyReceiver();
  try {
    const redisPort = await freePort();
    children.push(
      start(
        'redis-server',
        'redis-server',
        ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', work],
        process.env,
      ),
    );
    const [port, internalPort, prometheusPort] = [await freePort(), await freePort(), await freePort()];
    const operatorToken = randomBytes(24).toString('hex');
    const brokerEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      PUBLIC_URL: `http://localhost:${port}`,
      PORT: String(port),
      INTERNAL_PORT: String(internalPort),
      OPERATOR_TOKEN: operatorToken,
      JWT_SECRET: randomBytes(24).toString('hex'),
      SECRETS_KEYS: `check:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'warn',
      INSTANCE_ID: 'dashboard-check',
      // A failed webhook becomes a dead letter within a second, so that the check sees one.
      WEBHOOK_MAX_ATTEMPTS: '2',
      WEBHOOK_BACKOFF_BASE_MS: '100',
      WEBHOOK_BACKOFF_MAX_MS: '200',
    };
    delete brokerEnv.ROLES;
    await run(process.execPath, [MAIN, 'migrate'], { env: brokerEnv });
    const broker = start('broker', process.execPath, [MAIN, 'serve'], brokerEnv);
    children.push(broker);
    const internalUrl = `http://127.0.0.1:${internalPort}`;
    await until('the broker to be ready', async () => (await fetch(`${internalUrl}/health/ready`)).ok);

    const config = {
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      // One process runs every role here; each role's job scrapes it, as the ServiceMonitors name them.
      scrape_configs: SCRAPE_JOBS.map((job) => ({
        job_name: job,
        static_configs: [{ targets: [`127.0.0.1:${internalPort}`] }],
      })),
    };
    writeFileSync(join(work, 'prometheus.yml'), JSON.stringify(config));
    children.push(
      start(
        'prometheus',
        'prometheus',
        [
          `--config.file=${join(work, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(work, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${prometheusPort}`,
        ],
        process.env,
      ),
    );
    const prometheus = `http://127.0.0.1:${prometheusPort}`;
    const query = async (expr) => {
      const res = await fetch(`${prometheus}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = await res.json();
      if (body.status !== 'success') return { error: `${body.errorType}: ${body.error}` };
      return { result: body.data.result };
    };
    await until('Prometheus to scrape the broker', async () => {
      const { result } = await query('sum(up)');
      return Number(result?.[0]?.value?.[1]) === SCRAPE_JOBS.length;
    });

    // Traffic: the README's walk-through, as a tenant, its CEM software and a device would run it.
    const cli = async (args, env) => (await run(process.execPath, [MAIN, ...args], { env, timeout: 60_000 })).stdout;
    const kitEnv = {
      ...process.env,
      S2_BROKER_URL: `http://localhost:${port}`,
      S2_BROKER_INTERNAL_URL: internalUrl,
      OPERATOR_TOKEN: operatorToken,
    };
    Object.assign(kitEnv, exportsOf(await cli(['tenant', 'create', '--name', 'Dashboard', '--env'], kitEnv)));
    const publicApi = async (path, body, bearer) => {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: await res.json().catch(() => undefined) };
    };
    const { accessToken } = (
      await publicApi('/api/v1/auth/token', {
        clientId: kitEnv.S2_BROKER_CLIENT_ID,
        clientSecret: kitEnv.S2_BROKER_CLIENT_SECRET,
      })
    ).body;
    const hook = await publicApi(
      '/api/v1/webhooks',
      { url: receiver.url, eventTypes: ['pairing.created', 'session.opened'] },
      accessToken,
    );
    if (hook.status !== 201) throw new Error(`registering a webhook answered ${hook.status}`);
    const node = (
      await cli(
        ['cem-node', 'create', '--brand', 'Dash', '--type', 'EMS', '--model-name', 'Check', '--print', 'id'],
        kitEnv,
      )
    ).trim();
    Object.assign(kitEnv, exportsOf(await cli(['pairing-code', 'issue', '--cem-node', node, '--env'], kitEnv)));
    const device = start(
      'simulate-rm',
      process.execPath,
      [MAIN, 'simulate-rm', '--replay', 'ev', '--wait-for-cem', '--keep-open'],
      kitEnv,
    );
    children.push(device);
    await cli(['cem', 'tail', '--reply', '--until', 'FRBC.StorageStatus'], kitEnv);
    // Twice, a scrape apart: a series a refusal creates starts at 1, and rate() sees a rise only from
    // the second sample on.
    for (const round of [1, 2]) {
      const refused = await refusedUpgrade(port);
      if (refused !== 401) throw new Error(`an upgrade without a token answered ${refused}, not 401`);
      const unknownNode = await publicApi('/pairing/v1/requestPairing', { nodeIdAlias: 'nosuchalias' });
      if (unknownNode.status !== 400) throw new Error(`a pairing with no such node answered ${unknownNode.status}`);
      if (round === 1) await sleep(2_500);
    }
    // pairing.created is taken; session.opened is refused twice and becomes a dead letter.
    await until('a webhook dead letter', async () =>
      /^s2b_webhook_dead_letters_total [1-9]/m.test(await (await fetch(`${internalUrl}/metrics`)).text()),
    );
    // Enough scrapes after the traffic for rate() over a minute to have two samples of every series.
    await sleep(6_000);

    const failures = [];
    for (const { panel, refId, expr } of panels) {
      const { error, result } = await query(expr);
      if (error) failures.push(`panel "${panel}" ${refId}: ${error}\n    ${expr}`);
      else if (result.length === 0) failures.push(`panel "${panel}" ${refId}: no series after traffic\n    ${expr}`);
      else if (MUST_MOVE[panel] && !MUST_MOVE[panel](result))
        failures.push(`panel "${panel}" ${refId}: the traffic did not move it: ${JSON.stringify(result)}\n    ${expr}`);
    }
    for (const { alert, expr, file } of alerts) {
      const { error, result } = await query(expr);
      if (error) failures.push(`alert ${alert} (${file}): ${error}`);
      else if (result.length > 0)
        failures.push(`alert ${alert} (${file}) fires with no fault: ${JSON.stringify(result)}`);
    }
    if (failures.length > 0) {
      console.error(failures.join('\n'));
      process.exitCode = 1;
    } else {
      console.log(`${panels.length} panel queries return series and ${alerts.length} alert expressions stay quiet`);
    }
  } catch (error) {
    for (const child of children) console.error(`--- ${child.name}\n${child.output().slice(-4_000)}`);
    throw error;
  } finally {
    receiver.close();
    for (const child of children.reverse()) await stop(child);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`check-dashboard: ${error.message}`);
  process.exitCode = 1;
});
