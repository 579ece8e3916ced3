// A `getToken` for a service account: trades its client id and secret for a tenant JWT at
// `POST /api/v1/auth/token` and reuses that JWT until shortly before it expires, so a reconnect does
// not cost a token request unless it needs one.
import { CemClientError } from './errors.js';

export interface ServiceAccountOptions {
  /** The broker's base URL (`https://s2.example.com`); a ws(s) URL is taken as its http(s) twin. */
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** A JWT with less than this left is renewed; default 60 s. */
  readonly renewBeforeMs?: number;
  /** For tests and proxies; default the global fetch. */
  readonly fetch?: typeof fetch;
}

export const TOKEN_PATH = '/api/v1/auth/token';

/** Throws CemClientError INVALID_INPUT for a URL or credentials it cannot use. */
export function serviceAccountToken(options: ServiceAccountOptions): () => Promise<string> {
  const endpoint = tokenUrl(options.url);
  if (options.clientId === '' || options.clientSecret === '') {
    throw new CemClientError('INVALID_INPUT', 'a service account needs a clientId and a clientSecret');
  }
  const renewBeforeMs = options.renewBeforeMs ?? 60_000;
  const fetchFn = options.fetch ?? fetch;
  let cached: { readonly token: string; readonly renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  const request = async (): Promise<string> => {
    let response: Response;
    try {
      response = await fetchFn(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ clientId: options.clientId, clientSecret: options.clientSecret }),
      });
    } catch (error) {
      throw new CemClientError('UNREACHABLE', `POST ${TOKEN_PATH} failed: ${String(error)}`, { cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      // The broker's problem+json `detail` names the reason; it never echoes the secret.
      const detail = isRecord(body) && typeof body['detail'] === 'string' ? `: ${body['detail']}` : '';
      throw new CemClientError('TOKEN_UNAVAILABLE', `POST ${TOKEN_PATH} answered HTTP ${response.status}${detail}`, {
        status: response.status,
      });
    }
    const token = isRecord(body) ? body['accessToken'] : undefined;
    const expiresIn = isRecord(body) ? body['expiresIn'] : undefined;
    if (typeof token !== 'string' || token === '') {
      throw new CemClientError('TOKEN_UNAVAILABLE', `POST ${TOKEN_PATH} answered no accessToken`);
    }
    const lifetimeMs = typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn * 1000 : 0;
    cached = { token, renewAt: Date.now() + lifetimeMs - renewBeforeMs };
    return token;
  };

  return () => {
    if (cached !== undefined && Date.now() < cached.renewAt) return Promise.resolve(cached.token);
    // Concurrent callers share one request rather than each spending one.
    inFlight ??= request().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}

function tokenUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CemClientError('INVALID_INPUT', 'the broker URL is not a URL');
  }
  if (parsed.protocol === 'wss:') parsed.protocol = 'https:';
  else if (parsed.protocol === 'ws:') parsed.protocol = 'http:';
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new CemClientError('INVALID_INPUT', `the broker URL must be https, http, wss or ws (got ${parsed.protocol})`);
  }
  return new URL(TOKEN_PATH, parsed.origin).toString();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
