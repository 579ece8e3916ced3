import type { ServerResponse } from 'node:http';
import type { ErrorBody } from './error-body.js';

/** Writes `body` as the answer, or cuts the connection when part of another answer already went out. */
export function sendErrorBody(res: ServerResponse, body: ErrorBody): void {
  if (res.headersSent) {
    // Part of another answer is already on the wire; cutting the connection is the only honest end.
    res.destroy();
    return;
  }
  res.statusCode = body.statusCode;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
