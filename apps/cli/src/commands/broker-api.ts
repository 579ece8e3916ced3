// What the commands that talk to a running broker share: where it is and who the caller is (flags
// first, then the environment), its public HTTP APIs, and the two ways such a command fails: a usage
// error (exit 2) and a failure (exit 1), each one line and never a stack trace.
import { parseArgs } from 'node:util';

/** The environment variables these commands read; the flag of the same meaning wins. */
export const ENV = {
  url: 'S2_BROKER_URL',
  /** The operator API is on the broker's internal port, never behind the ingress. */
  internalUrl: 'S2_BROKER_INTERNAL_URL',
  operatorToken: 'OPERATOR_TOKEN',
  clientId: 'S2_BROKER_CLIENT_ID',
  clientSecret: 'S2_BROKER_CLIENT_SECRET',
  jwt: 'S2_BROKER_JWT',
  /** What `pairing-code issue --env` sets and `simulate-rm` reads. */
  pairingUrl: 'S2_BROKER_PAIRING_URL',
  pairingCode: 'S2_BROKER_PAIRING_CODE',
} as const;

export const CONNECTION_HELP = `--url URL                  the broker (default $${ENV.url})`;
export const OPERATOR_HELP = `--internal-url URL         the broker's internal port, where the operator API is (default $${ENV.internalUrl})
--operator-token TOKEN     the operator's token (default $${ENV.operatorToken})`;
export const TENANT_HELP = `--client-id ID --client-secret SECRET
                           a service account of the tenant (default $${ENV.clientId}, $${ENV.clientSecret})
--jwt JWT                  or a tenant JWT (default $${ENV.jwt}); a service account is used when both are given`;

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** An answer of the broker other than the one asked for; `message` is the broker's own. */
export class ApiFailure extends CommandFailure {
  constructor(
    readonly status: number,
    readonly brokerMessage: string,
    what: string,
  ) {
    super(`${what} answered ${status}: ${brokerMessage}`);
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

function given(flag: string | undefined, env: Env, name: string): string | undefined {
  const value = flag ?? env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** The broker's base URL (its public port), without a trailing slash. */
export function brokerUrl(flag: string | undefined, env: Env): string {
  return baseUrl(flag, env, '--url', ENV.url, "the broker's URL");
}

/** The base URL of the broker's internal port (the operator API), without a trailing slash. */
export function internalUrl(flag: string | undefined, env: Env): string {
  return baseUrl(flag, env, '--internal-url', ENV.internalUrl, "the broker's internal URL");
}

function baseUrl(flag: string | undefined, env: Env, flagName: string, envName: string, what: string): string {
  const value = given(flag, env, envName);
  if (value === undefined) throw new UsageError(`${what} is needed: ${flagName} or ${envName}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${flagName}/${envName} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${flagName}/${envName} must be an http:// or https:// URL`);
  }
  return url.href.replace(/\/+$/, '');
}

export function operatorToken(flag: string | undefined, env: Env): string {
  const value = given(flag, env, ENV.operatorToken);
  if (value === undefined) {
    throw new UsageError(`the operator's token is needed: --operator-token or ${ENV.operatorToken}`);
  }
  return value;
}

export type TenantCredentials =
  | { readonly kind: 'service-account'; readonly clientId: string; readonly clientSecret: string }
  | { readonly kind: 'jwt'; readonly jwt: string };

export interface TenantFlags {
  readonly 'client-id'?: string;
  readonly 'client-secret'?: string;
  readonly jwt?: string;
}

export function tenantCredentials(flags: TenantFlags, env: Env): TenantCredentials {
  const clientId = given(flags['client-id'], env, ENV.clientId);
  const clientSecret = given(flags['client-secret'], env, ENV.clientSecret);
  if (clientId !== undefined && clientSecret !== undefined) return { kind: 'service-account', clientId, clientSecret };
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new UsageError(
      clientId === undefined
        ? `a client secret without a client id: --client-id or ${ENV.clientId}`
        : `a client id without its secret: --client-secret or ${ENV.clientSecret}`,
    );
  }
  const jwt = given(flags.jwt, env, ENV.jwt);
  if (jwt !== undefined) return { kind: 'jwt', jwt };
  throw new UsageError(
    `the tenant's credentials are needed: --client-id and --client-secret (or ${ENV.clientId} and ${ENV.clientSecret}), or --jwt (or ${ENV.jwt})`,
  );
}

export interface ApiRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly token?: string;
  readonly body?: unknown;
}

/** Statuses other than 2xx become an ApiFailure carrying the broker's message. */
export async function callApi(baseUrl: string, request: ApiRequest): Promise<unknown> {
  const what = `${request.method} ${request.path.replace(/\?.*/, '')}`;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (request.token !== undefined) headers['authorization'] = `Bearer ${request.token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CommandFailure(`cannot reach ${baseUrl}: ${networkProblem(error)}`);
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const message = isRecord(body) && typeof body['message'] === 'string' ? body['message'] : response.statusText;
    throw new ApiFailure(response.status, message, what);
  }
  if (body === undefined && response.status !== 204) {
    throw new CommandFailure(
      `${what} answered ${response.status} with a body that is not JSON; is ${baseUrl} a broker?`,
    );
  }
  return body;
}

/** A tenant JWT: the one given, or a fresh one for the service account. */
export async function tenantToken(baseUrl: string, credentials: TenantCredentials): Promise<string> {
  if (credentials.kind === 'jwt') return credentials.jwt;
  const answer = await callApi(baseUrl, {
    method: 'POST',
    path: '/api/v1/auth/token',
    body: { clientId: credentials.clientId, clientSecret: credentials.clientSecret },
  });
  const token = isRecord(answer) ? answer['accessToken'] : undefined;
  if (typeof token !== 'string') throw new CommandFailure('POST /api/v1/auth/token answered no accessToken');
  return token;
}

/** Every item of a cursor-paginated list, page by page. */
export async function* listAll(baseUrl: string, path: string, token: string): AsyncGenerator<unknown> {
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ limit: '1000' });
    if (cursor !== undefined) query.set('cursor', cursor);
    const separator = path.includes('?') ? '&' : '?';
    const page = await callApi(baseUrl, { method: 'GET', path: `${path}${separator}${query}`, token });
    if (!isRecord(page) || !Array.isArray(page['items'])) {
      throw new CommandFailure(`GET ${path} answered something that is not a list`);
    }
    yield* page['items'];
    const next = page['nextCursor'];
    cursor = typeof next === 'string' && next !== '' ? next : undefined;
  } while (cursor !== undefined);
}

/** The value at a dotted path (`serviceAccount.clientId`), for `--print`. */
export function fieldAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (!isRecord(current) || !(key in current)) return undefined;
    current = current[key];
  }
  return current;
}

/** `--print FIELD`: the field's value as is (a string bare, anything else as JSON), or the whole answer. */
export function printAnswer(answer: unknown, field: string | undefined, out: (line: string) => void): void {
  if (field === undefined) {
    out(JSON.stringify(answer));
    return;
  }
  const value = fieldAt(answer, field);
  if (value === undefined) throw new CommandFailure(`the answer has no field ${field}: ${JSON.stringify(answer)}`);
  out(typeof value === 'string' ? value : JSON.stringify(value));
}

/** `export NAME='value'` lines for eval in a shell; single quotes keep every character but themselves. */
export function printEnv(values: Readonly<Record<string, unknown>>, out: (line: string) => void): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string') throw new CommandFailure(`the answer has no ${name}`);
    out(`export ${name}='${value.replace(/'/g, `'\\''`)}'`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function networkProblem(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer within 30 s';
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export interface CommandIo {
  readonly env: Env;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

export const PROCESS_IO: CommandIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Runs one subcommand: `--help` prints its usage (exit 0), a usage error prints the problem and the
 * usage (exit 2), anything else that fails prints one line (exit 1).
 */
export async function runSubcommand(
  name: string,
  usage: string,
  io: CommandIo,
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`s2-broker ${name}: ${error.message}\n${usage}`);
      return 2;
    }
    io.err(`s2-broker ${name}: ${oneLine(describe(error))}`);
    return 1;
  }
}

export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

type FlagOptions = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** node:util's parseArgs, its complaints made usage errors. */
export function parseFlags<const O extends FlagOptions>(argv: readonly string[], options: O, positionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, allowPositionals: positionals > 0, strict: true });
  } catch (error) {
    throw new UsageError(describe(error));
  }
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals]}'`);
  }
  return parsed;
}

/** `s2-broker GROUP ACTION ...`: the action's runner, or a usage error naming the actions. */
export function pickAction<A extends string>(group: string, argv: readonly string[], actions: readonly A[]): A {
  const [action] = argv;
  if (action === undefined) throw new UsageError(`${group} needs one of: ${actions.join(', ')}`);
  if (!(actions as readonly string[]).includes(action)) {
    throw new UsageError(`unknown ${group} command '${action}'; one of: ${actions.join(', ')}`);
  }
  return action as A;
}
