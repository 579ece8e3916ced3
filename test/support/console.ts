// A browser's side of the console for e2e tests: it keeps the session cookie and the CSRF token, as the
// console's pages do, and sends them the way a browser would (the cookie always, the header when told).
import { randomUUID } from 'node:crypto';
import { type BrokerUrls, TEST_OPERATOR_TOKEN } from './broker.js';
import { post } from './s2-connect.js';

export const COOKIE_NAME = '__Host-s2b_session';
export const TEST_PASSWORD = 'correct horse battery staple';

export interface ConsoleAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface SentOptions {
  /** Send `x-csrf-token` (default true); a string sends that instead of the session's. */
  csrf?: boolean | string;
}

export class ConsoleBrowser {
  cookie: string | undefined;
  csrfToken: string | undefined;
  user: { id: string; email: string; role: string; tenantId: string | null } | undefined;

  constructor(private readonly broker: BrokerUrls) {}

  async request(method: string, path: string, body?: unknown, options: SentOptions = {}): Promise<ConsoleAnswer> {
    const headers: Record<string, string> = {};
    if (this.cookie !== undefined) headers.cookie = `${COOKIE_NAME}=${this.cookie}`;
    const csrf = options.csrf ?? true;
    if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
    else if (csrf && this.csrfToken !== undefined) headers['x-csrf-token'] = this.csrfToken;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.broker.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      body: text === '' ? undefined : (JSON.parse(text) as unknown),
      headers: response.headers,
    };
    this.keep(answer);
    return answer;
  }

  signIn(email: string, password = TEST_PASSWORD): Promise<ConsoleAnswer> {
    return this.request('POST', '/api/v1/console/session', { email, password });
  }

  accept(token: string, password = TEST_PASSWORD, name = 'Test Person'): Promise<ConsoleAnswer> {
    return this.request('POST', '/api/v1/console/invitations/accept', { token, name, password });
  }

  private keep(answer: ConsoleAnswer): void {
    const set = answer.headers.get('set-cookie');
    if (set !== null && set.startsWith(`${COOKIE_NAME}=`)) {
      const value = set.slice(COOKIE_NAME.length + 1).split(';')[0] ?? '';
      this.cookie = value === '' ? undefined : value;
    }
    const body = answer.body as { csrfToken?: string; user?: ConsoleBrowser['user'] } | undefined;
    if (answer.status === 200 && typeof body?.csrfToken === 'string') {
      this.csrfToken = body.csrfToken;
      this.user = body.user;
    }
  }
}

/** The token at the end of an invitation link. */
export function invitationToken(invitationUrl: string): string {
  return invitationUrl.slice(invitationUrl.lastIndexOf('/') + 1);
}

/** An invitation made with the operator token: to `tenantId` with `role`, or an operator's when null. */
export async function operatorInvites(
  broker: BrokerUrls,
  tenantId: string | null,
  role: 'admin' | 'viewer' = 'admin',
  email = `person-${randomUUID().slice(0, 8)}@example.com`,
): Promise<{ email: string; token: string; invitationUrl: string }> {
  const answer =
    tenantId === null
      ? await post(`${broker.internalUrl}/admin/v1/operators/invitations`, { email }, TEST_OPERATOR_TOKEN)
      : await post(
          `${broker.internalUrl}/admin/v1/tenants/${tenantId}/invitations`,
          { email, role },
          TEST_OPERATOR_TOKEN,
        );
  if (answer.status !== 201) throw new Error(`invitation: ${answer.status} ${JSON.stringify(answer.body)}`);
  const { invitationUrl } = answer.body as { invitationUrl: string };
  return { email, token: invitationToken(invitationUrl), invitationUrl };
}

/** A signed-in user of `tenantId` (an operator when null): invited, accepted, signed in. */
export async function signedInUser(
  broker: BrokerUrls,
  tenantId: string | null,
  role: 'admin' | 'viewer' = 'admin',
): Promise<{ browser: ConsoleBrowser; email: string; token: string }> {
  const invited = await operatorInvites(broker, tenantId, role);
  const browser = new ConsoleBrowser(broker);
  const accepted = await browser.accept(invited.token);
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  return { browser, email: invited.email, token: invited.token };
}
