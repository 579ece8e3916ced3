// TLS for end-to-end tests: a throwaway self-signed certificate made with the `openssl` CLI, and a
// `fetch` that trusts it (and nothing else extra), for a broker that serves HTTPS/WSS itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate (PEM), to trust as a CA. */
  readonly cert: Buffer;
  remove(): void;
}

/** A certificate for `localhost` and `127.0.0.1`, valid one day, in a new temporary directory. */
export function selfSignedCertificate(): SelfSignedCertificate {
  const dir = mkdtempSync(join(tmpdir(), 's2-broker-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return {
    certFile,
    keyFile,
    cert: readFileSync(certFile),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A `fetch` over `node:https` that trusts `ca` as its only certificate authority: verification stays
 * on, and nothing changes for other requests of the process. Enough of `fetch` for JSON APIs (method, headers, a
 * string body, an abort signal); redirects are not followed.
 */
export function fetchTrusting(ca: string | Buffer): (url: string, init?: RequestInit) => Promise<Response> {
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      const body = init.body;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        reject(new TypeError('fetchTrusting sends string bodies only'));
        return;
      }
      const outgoing = request(
        url,
        { method: init.method ?? 'GET', headers, ca, ...(init.signal ? { signal: init.signal } : {}) },
        (incoming) => {
          const chunks: Buffer[] = [];
          incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
          incoming.once('error', reject);
          incoming.once('end', () => {
            const status = incoming.statusCode ?? 0;
            const answerHeaders = new Headers();
            for (const [name, value] of Object.entries(incoming.headers)) {
              if (value === undefined) continue;
              for (const one of Array.isArray(value) ? value : [value]) answerHeaders.append(name, one);
            }
            const noBody = status === 204 || status === 304 || init.method === 'HEAD';
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, headers: answerHeaders }));
          });
        },
      );
      outgoing.once('error', reject);
      outgoing.end(body ?? undefined);
    });
}
