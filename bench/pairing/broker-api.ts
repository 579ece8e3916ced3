// The few operator and tenant API calls the bench needs to get pairing codes from a running broker.

/** The broker's default INTERNAL_PORT, where a bench looks for the operator API unless told. */
const DEFAULT_INTERNAL_PORT = '8081';

/**
 * `--url`, `--internal-url` (the same host on port 8081 by default) and `--operator-token` (or
 * OPERATOR_TOKEN) of a bench that drives a running broker.
 */
export function brokerTarget(
  url: string,
  internalUrl: string | undefined,
  operatorTokenOption: string | undefined,
): { origin: string; internalOrigin: string; operatorToken: string } | string {
  const operatorToken = operatorTokenOption ?? process.env['OPERATOR_TOKEN'];
  if (!operatorToken) return 'give --operator-token or set OPERATOR_TOKEN';
  let origin: URL;
  try {
    origin = new URL(url);
  } catch {
    return '--url is not a URL';
  }
  if (internalUrl === undefined) {
    const internal = new URL(origin.origin);
    internal.port = DEFAULT_INTERNAL_PORT;
    return { origin: origin.origin, internalOrigin: internal.origin, operatorToken };
  }
  try {
    return { origin: origin.origin, internalOrigin: new URL(internalUrl).origin, operatorToken };
  } catch {
    return '--internal-url is not a URL';
  }
}

export class BrokerApiError extends Error {
  override readonly name = 'BrokerApiError';

  constructor(
    readonly code: 'UNREACHABLE' | 'HTTP_STATUS' | 'BAD_ANSWER',
    message: string,
  ) {
    super(message);
  }
}

export interface PairingCodeAnswer {
  readonly cemNodeId: string;
  readonly pairingUrl: string;
  readonly pairingCode: string;
}

export class BrokerApi {
  /** `internalOrigin` serves the probes and the operator API, `origin` everything else. */
  constructor(
    private readonly origin: string,
    private readonly internalOrigin: string,
  ) {}

  /** Throws UNREACHABLE when nothing answers: the one failure a bench run most often meets. */
  async checkReachable(): Promise<void> {
    try {
      const response = await fetch(`${this.internalOrigin}/health/live`, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      const code = (cause as { code?: unknown } | undefined)?.code;
      const why = typeof code === 'string' ? code : cause instanceof Error ? cause.message : String(cause);
      throw new BrokerApiError('UNREACHABLE', `broker not reachable at ${this.internalOrigin} (${why})`);
    }
  }

  /** A new tenant's service account; the secret stays in memory. */
  async createTenant(operatorToken: string, name: string): Promise<{ clientId: string; clientSecret: string }> {
    const body = await this.post('/admin/v1/tenants', operatorToken, { name });
    const account = field(body, 'serviceAccount');
    return {
      clientId: text(account, 'clientId', 'serviceAccount'),
      clientSecret: text(account, 'clientSecret', 'serviceAccount'),
    };
  }

  async tenantToken(clientId: string, clientSecret: string): Promise<string> {
    return text(await this.post('/api/v1/auth/token', undefined, { clientId, clientSecret }), 'accessToken', 'token');
  }

  async createCemNodeWithCode(jwt: string): Promise<PairingCodeAnswer> {
    const node = await this.post('/api/v1/cem-nodes', jwt, { brand: 'bench', type: 'EMS', modelName: 'bench-pairing' });
    const cemNodeId = text(node, 'id', 'cem node');
    const code = await this.post(`/api/v1/cem-nodes/${encodeURIComponent(cemNodeId)}/pairing-codes`, jwt, {});
    return {
      cemNodeId,
      pairingUrl: text(code, 'pairingUrl', 'pairing code'),
      pairingCode: text(code, 'pairingCode', 'pairing code'),
    };
  }

  async post(path: string, bearer: string | undefined, body: unknown): Promise<unknown> {
    let response: Response;
    let json: unknown;
    try {
      const origin = path.startsWith('/admin/') ? this.internalOrigin : this.origin;
      response = await fetch(`${origin}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const raw = await response.text();
      json = raw === '' ? undefined : (JSON.parse(raw) as unknown);
    } catch (error) {
      throw new BrokerApiError(
        'UNREACHABLE',
        `POST ${path}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) {
      throw new BrokerApiError('HTTP_STATUS', `POST ${path}: HTTP ${response.status}${errorText(json)}`);
    }
    return json;
  }
}

/** The broker's errors are `{statusCode, error, message}`; message may be a list of problems. */
function errorText(json: unknown): string {
  const message = typeof json === 'object' && json !== null ? (json as { message?: unknown }).message : undefined;
  if (typeof message === 'string') return ` ${message}`;
  if (Array.isArray(message)) return ` ${message.map(String).join('; ')}`;
  return '';
}

function field(json: unknown, name: string): unknown {
  return typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[name] : undefined;
}

function text(json: unknown, name: string, what: string): string {
  const value = field(json, name);
  if (typeof value !== 'string' || value === '') {
    throw new BrokerApiError('BAD_ANSWER', `the ${what} answer has no ${name}`);
  }
  return value;
}
