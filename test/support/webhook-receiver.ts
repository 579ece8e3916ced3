// A local webhook receiver for end-to-end tests: records every request, answers as the test says, and
// can go away (connections refused) and come back on the same port.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { freePort } from './broker.js';

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

export interface WebhookEvent {
  id: string;
  type: string;
  occurredAt: string;
  tenantId: string;
  data: Record<string, string>;
}

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** The status answered from now on. */
  answer(status: number): void;
  /** Stops listening: connections are refused until `up()`. */
  down(): Promise<void>;
  up(): Promise<void>;
  /** Events of requests answered 2xx, in arrival order. */
  delivered(): WebhookEvent[];
  /** Resolves once `done(delivered events)` holds, checking on every request. */
  waitFor(done: (events: WebhookEvent[]) => boolean, timeoutMs?: number): Promise<WebhookEvent[]>;
  close(): Promise<void>;
}

/**
 * The receiver's side of the signature check, as a tenant would write it: the stock Standard Webhooks
 * library, on the raw body. `raw` is its format for a secret not in the `whsec_` form (one stored
 * before the broker required that form).
 */
export function verifySignature(
  secret: string,
  headers: IncomingHttpHeaders,
  body: string,
  options: { raw?: boolean } = {},
): boolean {
  const webhook = options.raw === true ? new Webhook(secret, { format: 'raw' }) : new Webhook(secret);
  const given: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === 'string') given[name] = value;
  try {
    webhook.verify(body, given);
    return true;
  } catch {
    return false;
  }
}

export async function startReceiver(): Promise<Receiver> {
  const port = await freePort();
  const requests: ReceivedRequest[] = [];
  const waiters = new Set<() => void>();
  let status = 200;
  let server: Server | undefined;

  const delivered = () =>
    requests
      .filter((request) => request.answered >= 200 && request.answered < 300)
      .map((request) => JSON.parse(request.body) as WebhookEvent);

  const up = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered: status });
          res.writeHead(status).end();
          for (const wake of waiters) wake();
        });
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        server = next;
        resolve();
      });
    });

  const down = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = undefined;
      if (!current) return resolve();
      current.close(() => resolve());
      current.closeAllConnections();
    });

  await up();
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    requests,
    answer: (next) => {
      status = next;
    },
    down,
    up,
    delivered,
    waitFor(done, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const events = delivered();
          if (!done(events)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(events);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: condition not met in ${timeoutMs} ms; got ${JSON.stringify(delivered())}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close: down,
  };
}
