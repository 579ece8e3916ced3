// The one way this library talks HTTP: JSON in, status and JSON out, failures as S2ConnectClientError.
import { S2ConnectClientError, type ClientStep } from './errors.js';

/** What the library needs of `fetch`; tests inject their own. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** Steps without a protocol deadline of their own; the pairing server alone waits 1 s by design. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** No S2 Connect answer comes near this; a peer that sends more is not one to trust with memory. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface HttpAnswer {
  readonly status: number;
  /** The parsed body; undefined when it was empty or not JSON. */
  readonly json: unknown;
}

export interface CallOptions {
  readonly method: 'GET' | 'POST';
  readonly body?: unknown;
  readonly bearer?: string;
  readonly timeoutMs?: number;
  readonly maxBodyBytes?: number;
  readonly fetch?: FetchLike;
}

export async function call(step: ClientStep, url: string, options: CallOptions): Promise<HttpAnswer> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.bearer !== undefined) headers['authorization'] = `Bearer ${options.bearer}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchFn = options.fetch ?? fetch;
  let response: Response;
  let text: string;
  try {
    response = await fetchFn(url, {
      method: options.method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      // A followed redirect would hand the bearer and the body to a host the user never named.
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await readText(step, response, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof S2ConnectClientError) throw error;
    const origin = new URL(url).origin;
    if (isTimeout(error)) {
      throw new S2ConnectClientError('TIMEOUT', step, `no answer from ${origin} within ${timeoutMs} ms`);
    }
    throw new S2ConnectClientError('UNREACHABLE', step, `cannot reach ${origin}: ${describe(error)}`, {
      cause: error,
    });
  }
  return { status: response.status, json: parseJson(text) };
}

/** The body as text, refusing more than `limit` bytes instead of buffering whatever the peer sends. */
async function readText(step: ClientStep, response: Response, limit: number): Promise<string> {
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new S2ConnectClientError('INVALID_RESPONSE', step, `the answer is larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'TimeoutError';
}

/** undici reports every network failure as "fetch failed" and keeps the reason in `cause`. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' ? code : cause.message || error.message;
  }
  return error.message;
}

/**
 * The base URL with the trailing slash the specification requires; people often leave it off, and
 * without it `v1/...` would resolve against the parent path.
 */
export function baseUrl(step: ClientStep, text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new S2ConnectClientError('INVALID_INPUT', step, 'the base URL is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new S2ConnectClientError('INVALID_INPUT', step, `the base URL must be https (got ${url.protocol})`);
  }
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url.toString();
}

/** `{base}{version}/{operation}`. */
export function operationUrl(base: string, version: string, operation: string): string {
  return new URL(`${version}/${operation}`, base).toString();
}
