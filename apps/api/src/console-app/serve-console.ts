import { NotFoundException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendErrorBody, toErrorBody } from '#http';
import { type ConsoleFile, consoleDirectory, loadConsoleFiles } from './console-files.js';

export const CONSOLE_PATH = '/console';
const NONCE_PLACEHOLDER = '__CSP_NONCE__';

/**
 * The policy of the console's page: its own scripts only, no inline script, and <style> elements only
 * with this response's nonce (Mantine writes its CSS variables into one). Images may be data: URLs
 * (the pairing QR code is drawn into one); requests go to this origin only.
 */
export function consoleContentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

// Vite names every asset after a hash of its content: a new build brings new names, so a browser may
// keep these for good; index.html, which names them, must be asked for again every time.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built console (dist/console) at /console/ from memory, on the public port. Its routing is
 * in the URL's fragment, so one index.html serves every page. Without a build, /console answers 404
 * saying so.
 */
export function serveConsole(app: NestExpressApplication): void {
  const dir = consoleDirectory();
  const files = dir === undefined ? new Map<string, ConsoleFile>() : loadConsoleFiles(dir);
  const index = files.get('index.html')?.body.toString('utf8');
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path !== CONSOLE_PATH && !path.startsWith(`${CONSOLE_PATH}/`)) return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (path === CONSOLE_PATH) {
      res.writeHead(308, { location: `${CONSOLE_PATH}/` }).end();
      return;
    }
    const name = path.slice(CONSOLE_PATH.length + 1);
    if (name === '' || name === 'index.html') {
      if (index === undefined) return notBuilt(res);
      const nonce = randomBytes(18).toString('base64');
      send(req, res, 200, Buffer.from(index.replaceAll(NONCE_PLACEHOLDER, nonce)), 'text/html; charset=utf-8', {
        'cache-control': 'no-cache',
        'content-security-policy': consoleContentSecurityPolicy(nonce),
      });
      return;
    }
    const file = files.get(name);
    if (file === undefined) return next();
    send(req, res, 200, file.body, file.type, {
      'cache-control': name.startsWith('assets/') ? IMMUTABLE : 'no-cache',
    });
  });
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: Buffer,
  type: string,
  headers: Record<string, string>,
): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(body.length),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    ...headers,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function notBuilt(res: ServerResponse): void {
  sendErrorBody(
    res,
    toErrorBody(
      new NotFoundException('The console is not built into this installation (npm run build makes dist/console)'),
    ),
  );
}
