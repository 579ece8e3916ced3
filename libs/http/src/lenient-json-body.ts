// S2 Connect answers a body it cannot parse in its own vocabulary (a ParsingError, or a failed pairing
// attempt), so its routes must see such a body instead of a generic parser answering 400 first.
import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { containsUnstorableText } from './storable-text.js';

/** `req.body` of a request whose body was not JSON (or too large to be one of these). */
export const UNPARSABLE_BODY: unique symbol = Symbol('unparsable body');

/** The S2 Connect HTTP APIs, which read their bodies with `lenientJsonBody`. */
export const LENIENT_BODY_PATHS = ['/pairing/v1', '/session/v1'];

/** S2 Connect bodies are small descriptions; anything larger is not one. */
const MAX_BODY_BYTES = 64 * 1024;

type BodyRequest = IncomingMessage & { body?: unknown; _body?: boolean };

/** Parses a JSON body into `req.body`, or sets UNPARSABLE_BODY; never fails the request. */
export function lenientJsonBody(req: BodyRequest, _res: ServerResponse, next: (error?: unknown) => void): void {
  if (req.method !== 'POST' && req.method !== 'PUT' && req.method !== 'PATCH') return next();
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('error', next);
  // Bound to the request's async context, so that its handler can still note what its log line says.
  req.on(
    'end',
    AsyncResource.bind(() => {
      // Tells the generic body parser that comes later that the body has been read.
      req._body = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (size > MAX_BODY_BYTES) req.body = UNPARSABLE_BODY;
      else if (text.trim() === '') req.body = undefined;
      else {
        try {
          const body = JSON.parse(text) as unknown;
          // Valid JSON, but not a body PostgreSQL can store: as unparsable as any other (a ParsingError).
          req.body = containsUnstorableText(body) ? UNPARSABLE_BODY : body;
        } catch {
          req.body = UNPARSABLE_BODY;
        }
      }
      next();
    }),
  );
}
