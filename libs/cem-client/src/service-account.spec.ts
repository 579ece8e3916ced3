import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CemClientError } from './errors.js';
import { serviceAccountToken } from './service-account.js';

/** A stand-in for `POST /api/v1/auth/token`: answers each request with the next of `answers`. */
async function tokenServer(answers: { status: number; body: unknown }[]) {
  const requests: { path: string; body: unknown }[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', body: JSON.parse(text) as unknown });
      const answer = answers[Math.min(requests.length - 1, answers.length - 1)] ?? { status: 500, body: {} };
      response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

const grant = (token: string, expiresIn = 900) => ({
  status: 200,
  body: { accessToken: token, tokenType: 'Bearer', expiresIn },
});

describe('serviceAccountToken', () => {
  it('trades the client id and secret for a JWT once, and reuses it while it is fresh', async () => {
    const server = await tokenServer([grant('jwt-1'), grant('jwt-2')]);
    const getToken = serviceAccountToken({ url: server.url, clientId: 'sa_1', clientSecret: 'secret' });
    expect(await Promise.all([getToken(), getToken()])).toEqual(['jwt-1', 'jwt-1']);
    expect(await getToken()).toBe('jwt-1');
    expect(server.requests).toEqual([
      { path: '/api/v1/auth/token', body: { clientId: 'sa_1', clientSecret: 'secret' } },
    ]);
  });

  it('asks again once the JWT is within renewBeforeMs of expiring', async () => {
    const server = await tokenServer([grant('jwt-1', 30), grant('jwt-2', 30)]);
    const getToken = serviceAccountToken({ url: `${server.url}/ignored/path`, clientId: 'sa_1', clientSecret: 's' });
    expect(await getToken()).toBe('jwt-1');
    expect(await getToken()).toBe('jwt-2');
  });

  it('takes the channel URL (ws, with its path) for the broker', async () => {
    const server = await tokenServer([grant('jwt-1')]);
    const url = `${server.url.replace('http:', 'ws:')}/cem/v1/ws`;
    expect(await serviceAccountToken({ url, clientId: 'sa_1', clientSecret: 's' })()).toBe('jwt-1');
  });

  it('a refused secret is TOKEN_UNAVAILABLE with the status and the broker detail, never the secret', async () => {
    const server = await tokenServer([{ status: 401, body: { status: 401, detail: 'invalid client credentials' } }]);
    const getToken = serviceAccountToken({ url: server.url, clientId: 'sa_1', clientSecret: 'hunter2' });
    const error = await getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CemClientError);
    expect(error).toMatchObject({
      code: 'TOKEN_UNAVAILABLE',
      status: 401,
      message: 'POST /api/v1/auth/token answered HTTP 401: invalid client credentials',
    });
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('an answer without an accessToken is TOKEN_UNAVAILABLE', async () => {
    const server = await tokenServer([{ status: 200, body: { tokenType: 'Bearer' } }]);
    const error = await serviceAccountToken({ url: server.url, clientId: 'a', clientSecret: 'b' })().catch((e) => e);
    expect(error).toMatchObject({
      code: 'TOKEN_UNAVAILABLE',
      message: 'POST /api/v1/auth/token answered no accessToken',
    });
  });

  it('refuses a URL or credentials it cannot use, at once', () => {
    expect(() => serviceAccountToken({ url: 'ftp://x', clientId: 'a', clientSecret: 'b' })).toThrow(
      'the broker URL must be https, http, wss or ws (got ftp:)',
    );
    expect(() => serviceAccountToken({ url: 'nope', clientId: 'a', clientSecret: 'b' })).toThrow('not a URL');
    expect(() => serviceAccountToken({ url: 'https://x', clientId: '', clientSecret: 'b' })).toThrow(
      'a service account needs a clientId and a clientSecret',
    );
  });
});
