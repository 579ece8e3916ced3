import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import { type RequestLogFields, withRequestLogFields } from './request-log-context.js';

type Request = IncomingMessage & {
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  params?: Record<string, unknown>;
  /** The principal the tenant JWT guard set: `{tenantId, serviceAccountId}`. */
  user?: unknown;
};

/** The operator API's routes about one tenant, whose `:id` is that tenant. */
const TENANT_ROUTE = /^\/admin\/v1\/tenants\/:id(\/|$)/;

/** The tenant a request acted for, once routed and authenticated: the JWT's, or the operator's target. */
function tenantOf(req: Request, route: string): string | undefined {
  const user = req.user as { tenantId?: unknown } | undefined;
  if (typeof user?.tenantId === 'string') return user.tenantId;
  const id = req.params?.['id'];
  return TENANT_ROUTE.test(route) && typeof id === 'string' && SANE_REQUEST_ID.test(id) ? id : undefined;
}

// Probes hit every few seconds per replica; at info level they would drown everything else.
const QUIET_PATHS = /^\/(health\/|metrics$)/;

// A caller's id is kept only when it cannot forge log fields or bloat lines: a short plain token.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The caller's `x-request-id` when it is a sane token, else a fresh one, so every request has one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * One log line per HTTP request: its request id (echoed in the response's `x-request-id`, so a caller
 * can quote it), method, path, status and duration, and what the handler noted (`noteOnRequestLog`:
 * the tenant of a device's S2 Connect request, its outcome). Never headers, query strings or
 * bodies: those carry bearer tokens, pairing codes and client secrets.
 */
export class HttpRequestLogger {
  private readonly logger: Logger;

  constructor(
    logger: Logger,
    private readonly durations?: Histogram<'method' | 'route' | 'status'>,
  ) {
    this.logger = logger.child({ component: 'http' });
  }

  /** Express-style middleware. */
  readonly use = (req: Request, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    const noted: RequestLogFields = {};
    res.setHeader(REQUEST_ID_HEADER, requestId);
    res.once('close', () => {
      const path = (req.originalUrl ?? req.url ?? '').split('?', 1)[0] ?? '';
      // The route's pattern, never the path itself: ids in paths would make a series per object.
      const route = typeof req.route?.path === 'string' ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      const tenantId = tenantOf(req, route) ?? noted.tenantId;
      const fields = {
        requestId,
        ...noted,
        ...(tenantId === undefined ? {} : { tenantId }),
        method: req.method,
        path,
        status: res.statusCode,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e3) / 1e3,
        // A response closed before it finished was cut off (client gone, or socket destroyed).
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      this.durations?.observe(
        { method: req.method ?? '', route, status: String(res.statusCode) },
        fields.durationMs / 1_000,
      );
      if (QUIET_PATHS.test(path)) {
        this.logger.debug(fields, 'request');
      } else {
        this.logger.info(fields, 'request');
      }
    });
    withRequestLogFields(noted, next);
  };
}
