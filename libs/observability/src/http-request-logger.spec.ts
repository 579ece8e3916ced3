import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpRequestLogger } from './http-request-logger.js';
import { noteOnRequestLog } from './request-log-context.js';
import { memoryLogger } from './testing.js';

function exchange(url: string, status: number, finished = true, headers: Record<string, string> = {}) {
  const req = {
    method: 'POST',
    url,
    originalUrl: url,
    headers: { authorization: 'Bearer very-secret', ...headers },
    body: { clientSecret: 'also-secret' },
  } as unknown as IncomingMessage;
  const sent = new Map<string, unknown>();
  const res = Object.assign(new EventEmitter(), {
    statusCode: status,
    writableFinished: finished,
    setHeader: (name: string, value: unknown) => sent.set(name, value),
  });
  return { req, res: res as unknown as ServerResponse, sent, close: () => res.emit('close') };
}

describe('HttpRequestLogger', () => {
  it('logs method, path, status and duration only', () => {
    const { logger, lines } = memoryLogger('info');
    const { req, res, close } = exchange('/api/v1/auth/token?code=1234', 201);
    let nextCalled = false;
    new HttpRequestLogger(logger).use(req, res, () => {
      nextCalled = true;
    });
    expect(nextCalled).toBe(true);
    close();
    const [line] = lines();
    expect(line).toMatchObject({
      msg: 'request',
      component: 'http',
      method: 'POST',
      path: '/api/v1/auth/token',
      status: 201,
    });
    expect(typeof line?.durationMs).toBe('number');
    const text = JSON.stringify(lines());
    expect(text).not.toContain('secret');
    expect(text).not.toContain('1234');
    expect(text).not.toContain('headers');
  });

  it('logs what the handler noted, later in the same request, and only the ids and outcome it may note', async () => {
    const { logger, lines } = memoryLogger('info');
    const { req, res, close } = exchange('/session/v1/initiateSession', 200);
    const handled = new Promise<void>((resolve) =>
      new HttpRequestLogger(logger).use(req, res, () => {
        setImmediate(() => {
          const pairing = { tenantId: 't-1', rmNodeId: 'rm-1', accessTokenHash: 'hash-of-a-token' };
          noteOnRequestLog({ ...pairing, outcome: 'ok' });
          resolve();
        });
      }),
    );
    await handled;
    noteOnRequestLog({ tenantId: 'outside-any-request' });
    close();
    const [line] = lines();
    expect(line).toMatchObject({ tenantId: 't-1', rmNodeId: 'rm-1', outcome: 'ok' });
    expect(JSON.stringify(lines())).not.toContain('hash-of-a-token');
    expect(JSON.stringify(lines())).not.toContain('outside-any-request');
  });

  it("keeps the caller's sane x-request-id, logs it and echoes it", () => {
    const { logger, lines } = memoryLogger('info');
    const { req, res, sent, close } = exchange('/api/v1/x', 200, true, { 'x-request-id': 'req-42.a:b_c' });
    new HttpRequestLogger(logger).use(req, res, () => undefined);
    close();
    expect(sent.get('x-request-id')).toBe('req-42.a:b_c');
    expect(lines()[0]).toMatchObject({ requestId: 'req-42.a:b_c' });
  });

  it.each([['has spaces and "quotes"'], ['x'.repeat(129)], ['']])(
    'replaces an x-request-id that is not a sane token (%#) with a generated one',
    (given) => {
      const { logger, lines } = memoryLogger('info');
      const { req, res, sent, close } = exchange('/api/v1/x', 200, true, { 'x-request-id': given });
      new HttpRequestLogger(logger).use(req, res, () => undefined);
      close();
      const id = sent.get('x-request-id');
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(lines()[0]).toMatchObject({ requestId: id });
    },
  );

  it('marks a response that was cut off', () => {
    const { logger, lines } = memoryLogger('info');
    const { req, res, close } = exchange('/api/v1/x', 200, false);
    new HttpRequestLogger(logger).use(req, res, () => undefined);
    close();
    expect(lines()[0]).toMatchObject({ aborted: true });
  });

  it('keeps probes at debug level', () => {
    const { logger, lines } = memoryLogger('info');
    const { req, res, close } = exchange('/health/ready', 200);
    new HttpRequestLogger(logger).use(req, res, () => undefined);
    close();
    expect(lines()).toHaveLength(0);
  });
});
