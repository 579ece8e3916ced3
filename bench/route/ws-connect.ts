// Opens one client WebSocket for the load workers, with a bounded wait and a one-line reason when the
// server will not upgrade (the broker answers 401/404/503 with a JSON body).
import WebSocket from 'ws';
import type { SocketSpec } from './protocol.js';

export const CONNECT_TIMEOUT_MS = 15_000;

/**
 * The client offers per-message deflate, so the server compresses what it sends as it chooses. The
 * client itself asks for no context takeover, the one mode in which ws honours `threshold`: small
 * frames then go out uncompressed and no socket keeps a deflate context (about 260 KiB each with ws's
 * defaults), which would make the load generator, not the server, the thing measured.
 */
const CLIENT_DEFLATE = { clientNoContextTakeover: true, threshold: 1_024 } as const;

export class UpgradeRefused extends Error {
  override readonly name = 'UpgradeRefused';
}

export function connect(spec: SocketSpec, timeoutMs = CONNECT_TIMEOUT_MS): Promise<WebSocket> {
  const target = new URL(spec.url);
  if (target.hostname !== '127.0.0.1') {
    return Promise.reject(new Error(`refusing to connect to ${target.host}: the bench stays on 127.0.0.1`));
  }
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(spec.url, {
      headers: spec.bearer === undefined ? {} : { authorization: `Bearer ${spec.bearer}` },
      handshakeTimeout: timeoutMs,
      perMessageDeflate: CLIENT_DEFLATE,
    });
    const where = `${target.host}${target.pathname}`;
    // Stays for the socket's life: a later error ends in 'close', which the owner watches, and an
    // 'error' without a listener would crash the worker. Rejecting a settled promise does nothing.
    ws.on('error', (error) => reject(new Error(`WebSocket to ${where}: ${error.message}`)));
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 300) body += chunk;
      });
      const finish = () => {
        request.destroy();
        const detail = body.replace(/\s+/g, ' ').trim().slice(0, 200);
        reject(
          new UpgradeRefused(`upgrade to ${where} refused: HTTP ${response.statusCode}${detail ? ` ${detail}` : ''}`),
        );
      };
      response.once('end', finish);
      response.once('error', finish);
      // A server that never ends its refusal must not hold the bench.
      setTimeout(finish, 2_000).unref();
    });
  });
}
