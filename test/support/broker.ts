// Runs the built broker (`dist/`) as a child process, the way it runs in production, for e2e tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { testRedisEnv } from './redis.js';
import { fetchTrusting } from './tls.js';

export const MAIN = fileURLToPath(new URL('../../dist/apps/cli/src/main.js', import.meta.url));

export const TEST_OPERATOR_TOKEN = 'test-operator-token-0123456789abcdefghijkl';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdefghijklmnopq';
/** One development key; tests of rotation set their own list. */
export const TEST_SECRETS_KEYS = 'test:dGVzdC1zZWNyZXRzLWtleS0wMTIzNDU2Nzg5YWJjZGU=';

/** The probes, the metrics and the operator API: what only the internal port serves. */
const INTERNAL_PATH = /^\/(metrics|health|admin)(\/|$)/i;

/** `path` on the port of the broker that serves it. */
export function urlFor(broker: BrokerUrls, path: string): string {
  return `${INTERNAL_PATH.test(path) ? broker.internalUrl : broker.url}${path}`;
}

/** The port of the broker that serves `path`, for requests written as raw bytes. */
export function portFor(broker: Pick<Broker, 'port' | 'internalPort'>, path: string): number {
  return INTERNAL_PATH.test(path) ? broker.internalPort : broker.port;
}

/** `undefined` removes a variable from the child's environment. */
export type EnvOverrides = Record<string, string | undefined>;

export interface BrokerOptions {
  env?: EnvOverrides;
  /** How long to wait for `/health/live`. */
  startTimeoutMs?: number;
  /**
   * Serve HTTPS/WSS with these files (`TLS_CERT_FILE`, `TLS_KEY_FILE`), with `PUBLIC_URL` and `url`
   * `https://localhost:<port>` (the internal port serves HTTPS too); `ca` is trusted while waiting for
   * `/health/live`.
   */
  tls?: { certFile: string; keyFile: string; ca: string | Buffer };
}

/** Where a test broker answers: `url` is the public port, `internalUrl` probes, metrics and the operator API. */
export interface BrokerUrls {
  readonly url: string;
  readonly internalUrl: string;
}

export interface Broker extends BrokerUrls {
  readonly port: number;
  readonly internalPort: number;
  readonly process: ChildProcess;
  readonly stdout: readonly string[];
  readonly stderr: readonly string[];
  /** stdout lines parsed as JSON; throws on a line that is not JSON. */
  logs(): Record<string, unknown>[];
  /** Resolves with the first log line matching `predicate`, waiting for it if need be. */
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL after 10 s; resolves with the exit code (null when killed by a signal). */
  stop(): Promise<number | null>;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string[];
  stderr: string[];
}

/** A port that was free a moment ago: bound to port 0 and released. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * The environment of a test broker: test database and Redis (see ./redis.ts), fixed secrets, then
 * `overrides`. Without an `internalPort` the system picks one, so that brokers of parallel files never
 * compete for the default.
 */
export function brokerEnv(port: number, overrides: EnvOverrides = {}, internalPort = 0): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_test',
    ...testRedisEnv(),
    PUBLIC_URL: `http://localhost:${port}`,
    PORT: String(port),
    INTERNAL_PORT: String(internalPort),
    ROLES: undefined,
    OPERATOR_TOKEN: TEST_OPERATOR_TOKEN,
    JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_KEYS: TEST_SECRETS_KEYS,
    LOG_LEVEL: 'info',
    INSTANCE_ID: 'e2e',
    // Every test broker shares one Redis and one address: per-address budgets would let unrelated files
    // spend each other's. test/rate-limits.e2e-spec.ts turns them on, behind a simulated proxy.
    RATE_LIMIT_AUTH_FAILURES_PER_ADDRESS: '0',
    RATE_LIMIT_PAIRING_PER_ADDRESS: '0',
    TLS_CERT_FILE: undefined,
    TLS_KEY_FILE: undefined,
  };
  // A test that points the broker at a Redis of its own means that one, in the mode it says.
  if (Object.keys(overrides).some((name) => name.startsWith('REDIS_'))) {
    for (const name of Object.keys(env).filter((name) => name.startsWith('REDIS_'))) env[name] = undefined;
  }
  for (const [name, value] of Object.entries(overrides)) {
    env[name] = value;
  }
  for (const name of Object.keys(env)) {
    if (env[name] === undefined) delete env[name];
  }
  return env;
}

function spawnBroker(
  args: string[],
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; stdout: string[]; stderr: string[] } {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} does not exist: run \`npm run build\` first`);
  }
  const child = spawn(process.execPath, [MAIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  if (child.stdout) createInterface({ input: child.stdout }).on('line', (line) => stdout.push(line));
  if (child.stderr) createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  return { child, stdout, stderr };
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  // 'close' rather than 'exit': by then stdout and stderr have been read to the end.
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** Runs `s2-broker <args>` to its end, e.g. to check how it refuses a bad configuration. */
export async function runBroker(args: string[], env: EnvOverrides = {}, timeoutMs = 30_000): Promise<Exit> {
  const { child, stdout, stderr } = spawnBroker(args, brokerEnv(await freePort(), env));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const { code, signal } = await exited(child);
  clearTimeout(timer);
  return { code, signal, stdout, stderr };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function parseLogs(lines: readonly string[]): Record<string, unknown>[] {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

/** Starts `s2-broker serve` on two free ports and waits until `/health/live` answers on the internal one. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const port = await freePort();
  let internalPort = await freePort();
  while (internalPort === port) internalPort = await freePort();
  const tls = options.tls;
  const origin = (at: number) => (tls ? `https://localhost:${at}` : `http://127.0.0.1:${at}`);
  const url = origin(port);
  const internalUrl = origin(internalPort);
  const env: EnvOverrides | undefined = tls
    ? { TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile, PUBLIC_URL: url, ...options.env }
    : options.env;
  const { child, stdout, stderr } = spawnBroker(['serve'], brokerEnv(port, env, internalPort));
  const healthFetch = tls ? fetchTrusting(tls.ca) : fetch;
  const exit = exited(child);

  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const { code } = await exit;
    clearTimeout(timer);
    return code;
  };

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  let ended = false;
  void exit.then(() => {
    ended = true;
  });
  for (;;) {
    if (ended) {
      throw new Error(`broker exited during startup (code ${child.exitCode}):\n${[...stderr, ...stdout].join('\n')}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`broker did not answer /health/live in time:\n${[...stderr, ...stdout].join('\n')}`);
    }
    try {
      const response = await healthFetch(`${internalUrl}/health/live`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }

  return {
    port,
    url,
    internalPort,
    internalUrl,
    process: child,
    stdout,
    stderr,
    logs: () => parseLogs(stdout),
    async waitForLog(predicate, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const found = parseLogs(stdout).find(predicate);
        if (found) return found;
        if (Date.now() > until) throw new Error(`no matching log line in:\n${stdout.join('\n')}`);
        await sleep(50);
      }
    },
    stop,
  };
}
