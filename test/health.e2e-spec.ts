import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Broker, runBroker, startBroker, TEST_JWT_SECRET, TEST_OPERATOR_TOKEN } from './support/broker.js';

/** The value of one series in the internal port's /metrics, undefined when it is not there. */
async function metric(broker: Broker, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${broker.internalUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function getJson(url: string): Promise<{ status: number; body: unknown; contentType: string | null }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json(), contentType: response.headers.get('content-type') };
}

describe('health and HTTP basics', () => {
  let broker: Broker;

  beforeAll(async () => {
    broker = await startBroker();
  });

  afterAll(async () => {
    await broker?.stop();
  });

  it('answers liveness', async () => {
    expect(await getJson(`${broker.internalUrl}/health/live`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    expect(await getJson(`${broker.internalUrl}/health/ready`)).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { postgres: 'up', redis: 'up' } },
    });
    // What the alerts on readiness and on each dependency read.
    expect(await metric(broker, 's2b_ready')).toBe(1);
    expect(await metric(broker, 's2b_dependency_up{dependency="postgres"}')).toBe(1);
    expect(await metric(broker, 's2b_dependency_up{dependency="redis"}')).toBe(1);
    expect(await metric(broker, 's2b_draining')).toBe(0);
  });

  it('answers an unknown route with the JSON error shape', async () => {
    const { status, body, contentType } = await getJson(`${broker.url}/no/such/route`);
    expect(status).toBe(404);
    expect(contentType).toMatch(/^application\/json/);
    expect(body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.any(String) });
  });

  it('answers a malformed JSON body with 400 and no stack trace', async () => {
    const response = await fetch(`${broker.internalUrl}/health/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('queues a reconnect burst on the public port while the process cannot accept', async () => {
    // Node's default backlog (511) would drop the rest, and those devices would wait out TCP's
    // retransmission backoff. The process is stopped, so only the kernel's queue can hold them.
    const burst = 1_500;
    const sockets: Socket[] = [];
    broker.process.kill('SIGSTOP');
    try {
      const connected = await Promise.all(
        Array.from(
          { length: burst },
          () =>
            new Promise<boolean>((resolve) => {
              const socket = connect(broker.port, '127.0.0.1');
              sockets.push(socket);
              socket.once('connect', () => resolve(true));
              socket.once('error', () => resolve(false));
              // Past TCP's first SYN retransmission (1 s): a dropped connection is still pending here.
              setTimeout(() => resolve(false), 2_500);
            }),
        ),
      );
      expect(connected.filter(Boolean)).toHaveLength(burst);
    } finally {
      broker.process.kill('SIGCONT');
      for (const socket of sockets) socket.destroy();
    }
    expect((await fetch(`${broker.internalUrl}/health/live`)).status).toBe(200);
  });

  it('writes JSON log lines only, with the listening line, and never the secrets', async () => {
    const listening = await broker.waitForLog((line) => line.msg === 'listening');
    expect(listening).toMatchObject({
      level: 'info',
      instance: 'e2e',
      port: broker.port,
      internalPort: broker.internalPort,
      roles: ['gateway', 'api', 'worker'],
    });
    await fetch(`${broker.url}/some/path?code=123456`, { headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } });
    const request = await broker.waitForLog((line) => line.msg === 'request' && line.path === '/some/path');
    expect(request).toMatchObject({ method: 'GET', status: 404 });
    expect(typeof request.durationMs).toBe('number');
    expect(() => broker.logs()).not.toThrow();
    const output = [...broker.stdout, ...broker.stderr].join('\n');
    expect(output).not.toContain(TEST_OPERATOR_TOKEN);
    expect(output).not.toContain(TEST_JWT_SECRET);
    expect(output).not.toContain('123456');
    expect(broker.stderr).toEqual([]);
  });

  describe('the public and the internal port', () => {
    const asOperator = { headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } };

    async function answer(url: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
      const response = await fetch(url, init);
      return { status: response.status, body: await response.json() };
    }

    /** What the broker answers for a path nothing serves, on either port. */
    const unknown = (path: string) => ({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: `Cannot GET ${path}` },
    });

    it('answers probes, metrics and the operator API on the internal port only', async () => {
      expect(await answer(`${broker.internalUrl}/health/ready`)).toMatchObject({ status: 200, body: { status: 'ok' } });
      const metrics = await fetch(`${broker.internalUrl}/metrics`);
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^# HELP /m);
      expect(await answer(`${broker.internalUrl}/admin/v1/tenants`, asOperator)).toMatchObject({
        status: 200,
        body: { items: expect.any(Array) },
      });
    });

    it.each([
      '/metrics',
      '/health/live',
      '/health/ready',
      '/admin/v1/tenants',
      '/admin/v1/audit-events?limit=1',
      '/METRICS',
      '/Health/Ready/',
      '/admin/v1/tenants/',
    ])('answers %s on the public port exactly like an unknown path', async (path) => {
      expect(await answer(`${broker.url}${path}`, asOperator)).toEqual(unknown(path));
    });

    it("refuses an operator's POST on the public port", async () => {
      const created = await answer(`${broker.url}/admin/v1/tenants`, {
        method: 'POST',
        headers: { ...asOperator.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'never' }),
      });
      expect(created).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: 'Cannot POST /admin/v1/tenants' },
      });
    });

    it.each(['/pairing/', '/session/', '/api/v1/cem-nodes', '/api/openapi.json'])(
      'answers %s on the internal port like an unknown path',
      async (path) => {
        expect(await answer(`${broker.internalUrl}${path}`)).toEqual(unknown(path));
        expect((await fetch(`${broker.url}${path}`)).status).not.toBe(404);
      },
    );

    it('takes no WebSocket on the internal port', async () => {
      const upgrade = fetch(`${broker.internalUrl}/s2/v1/ws`, {
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-version': '13',
          'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      }).then((response) => response.status);
      expect(await upgrade.catch(() => 0)).not.toBe(101);
    });

    it('refuses INTERNAL_PORT equal to PORT with one stderr line naming it', async () => {
      const { code, stderr } = await runBroker(['serve'], { PORT: '18080', INTERNAL_PORT: '18080' });
      expect(code).toBe(1);
      expect(stderr).toHaveLength(1);
      expect(stderr[0]).toContain('INTERNAL_PORT must differ from PORT');
    });
  });
});

describe('readiness with Redis down', () => {
  let broker: Broker;

  afterEach(async () => {
    await broker?.stop();
  });

  it('is 503 with redis down, and still live', async () => {
    broker = await startBroker({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    const started = Date.now();
    expect(await getJson(`${broker.internalUrl}/health/ready`)).toMatchObject({
      status: 503,
      body: { checks: { postgres: 'up', redis: 'down' } },
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await metric(broker, 's2b_ready')).toBe(0);
    expect(await metric(broker, 's2b_dependency_up{dependency="redis"}')).toBe(0);
    expect(await metric(broker, 's2b_dependency_up{dependency="postgres"}')).toBe(1);
    expect((await getJson(`${broker.internalUrl}/health/live`)).status).toBe(200);
    expect(() => broker.logs()).not.toThrow();
  });
});

describe('shutdown', () => {
  it('turns readiness off, closes and exits 0 on SIGTERM', async () => {
    const broker = await startBroker();
    expect(await broker.stop()).toBe(0);
    const messages = broker.logs().map((line) => line.msg);
    expect(messages).toContain('draining');
    expect(messages.at(-1)).toBe('stopped');
  });
});

describe('configuration errors', () => {
  it('refuses a bad PORT with one stderr line naming it, before starting anything', async () => {
    const { code, stdout, stderr } = await runBroker(['serve'], { PORT: 'not-a-port' });
    expect(code).not.toBe(0);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('PORT');
    expect(stdout).toEqual([]);
  });

  it('refuses an http:// PUBLIC_URL off loopback, which would send devices to ws:// and http:// URLs', async () => {
    const { code, stdout, stderr } = await runBroker(['serve'], { PUBLIC_URL: 'http://s2.example.com' });
    expect(code).toBe(1);
    expect(stderr).toEqual([expect.stringMatching(/PUBLIC_URL must be https:\/\/.*PUBLIC_URL_ALLOW_HTTP=true/)]);
    expect(stdout).toEqual([]);
  });

  it('serves an http:// PUBLIC_URL off loopback when PUBLIC_URL_ALLOW_HTTP=true says it is meant', async () => {
    const broker = await startBroker({ env: { PUBLIC_URL: 'http://s2.dev.internal', PUBLIC_URL_ALLOW_HTTP: 'true' } });
    try {
      expect((await fetch(`${broker.internalUrl}/health/live`)).status).toBe(200);
    } finally {
      await broker.stop();
    }
  });

  it('refuses a ping interval over the 60 s S2 Connect allows', async () => {
    const { code, stderr } = await runBroker(['serve'], {
      WS_PING_INTERVAL_SECONDS: '3600',
      WS_IDLE_TIMEOUT_SECONDS: '7200',
    });
    expect(code).toBe(1);
    expect(stderr).toEqual([expect.stringContaining('WS_PING_INTERVAL_SECONDS must be an integer from 1 to 60')]);
  });

  it('does not echo a secret that is too short', async () => {
    const { code, stderr } = await runBroker(['serve'], { JWT_SECRET: 'short-secret-value' });
    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toContain('JWT_SECRET');
    expect(stderr[0]).not.toContain('short-secret-value');
  });
});
