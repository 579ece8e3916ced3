import { NotFoundException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { toErrorBody } from './error-body.js';
import { sendErrorBody } from './send-error-body.js';

/**
 * What only the operator's own network may reach: probes, scrapes and the operator API. They are served
 * on INTERNAL_PORT alone, so that no ingress rule, forgotten or wrong, can put them on the internet.
 */
export const INTERNAL_PATH_PREFIXES = ['/metrics', '/health', '/admin'] as const;

const internalRequests = new WeakSet<IncomingMessage>();

/** Whether `path` (no query) belongs to the internal surface. Express routes ignore case, so this does too. */
export function isInternalPath(path: string): boolean {
  const lower = path.toLowerCase();
  return INTERNAL_PATH_PREFIXES.some((prefix) => lower === prefix || lower.startsWith(`${prefix}/`));
}

/**
 * Splits one app into the public and the internal surface: a request for a path of the other surface is
 * answered exactly like an unknown path (404), so neither port tells that the other exists. Call before
 * the app initialises, so that this runs before any route.
 */
export function splitSurfaces(app: NestExpressApplication): void {
  app.use((req: IncomingMessage & { originalUrl?: string }, res: Parameters<RequestListener>[1], next: () => void) => {
    const url = req.originalUrl ?? req.url ?? '/';
    const path = url.split('?', 1)[0] ?? '/';
    if (isInternalPath(path) === internalRequests.has(req)) {
      next();
      return;
    }
    // The very answer Nest gives an unknown route.
    sendErrorBody(res, toErrorBody(new NotFoundException(`Cannot ${req.method} ${url}`)));
  });
}

export interface InternalListener {
  readonly port: number;
  /** Stops accepting and cuts the connections still open (probes and scrapes keep theirs alive). */
  close(): Promise<void>;
}

/**
 * Serves `app`'s internal surface on its own listener, over TLS when the public port uses it. No
 * WebSocket upgrade is handled here: the sockets are on the public port only.
 */
export async function listenInternal(
  app: NestExpressApplication,
  port: number,
  tls: ServerOptions | undefined,
): Promise<InternalListener> {
  const handle = app.getHttpAdapter().getInstance() as RequestListener;
  const listener: RequestListener = (req, res) => {
    internalRequests.add(req);
    handle(req, res);
  };
  const server: Server = tls === undefined ? createHttpServer(listener) : createHttpsServer(tls, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
