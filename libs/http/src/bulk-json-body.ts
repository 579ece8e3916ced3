// Bulk routes take a thousand descriptions in one body, far past the generic JSON parser's 100 KiB;
// raising that limit for every route would only widen what any request can make the server buffer.
import { containsUnstorableText, UNSTORABLE_TEXT } from './storable-text.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { statusText } from './error-body.js';
import { sendErrorBody } from './send-error-body.js';

export const BULK_BODY_PATHS: ReadonlySet<string> = new Set(['/api/v1/cem-nodes:batch']);

/** A thousand nodes with every field at its longest fit. */
export const MAX_BULK_BODY_BYTES = 4 * 1024 * 1024;

type BodyRequest = IncomingMessage & { body?: unknown; _body?: boolean };

function refuse(res: ServerResponse, statusCode: number, message: string): void {
  sendErrorBody(res, { statusCode, error: statusText(statusCode), message });
}

/** Parses the JSON body of a bulk route into `req.body`; 413 past the limit, 400 for what is not JSON. */
export function bulkJsonBody(req: BodyRequest, res: ServerResponse, next: (error?: unknown) => void): void {
  const path = (req.url ?? '').split('?')[0] ?? '';
  if (
    req.method !== 'POST' ||
    !BULK_BODY_PATHS.has(path) ||
    !/^application\/json\b/i.test(req.headers['content-type'] ?? '')
  ) {
    return next();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk: Buffer) => {
    if (refused) return;
    size += chunk.length;
    if (size <= MAX_BULK_BODY_BYTES) {
      chunks.push(chunk);
      return;
    }
    refused = true;
    chunks.length = 0;
    res.setHeader('connection', 'close');
    refuse(res, 413, `body: must be at most ${MAX_BULK_BODY_BYTES} bytes`);
  });
  req.on('error', next);
  req.on('end', () => {
    if (refused) return;
    // Tells the generic body parser that comes later that the body has been read.
    req._body = true;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      req.body = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      refuse(res, 400, 'body: is not JSON');
      return;
    }
    if (containsUnstorableText(req.body)) {
      refuse(res, 400, `body: ${UNSTORABLE_TEXT}`);
      return;
    }
    next();
  });
}
