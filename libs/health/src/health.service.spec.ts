import { describe, expect, it, vi } from 'vitest';
import type { PrismaService } from '#db';
import type { RedisService } from '#redis';
import { DrainService } from './drain.service.js';
import { CHECK_TIMEOUT_MS, HealthService } from './health.service.js';

type Ping = () => Promise<void>;

const up: Ping = () => Promise.resolve();
const down: Ping = () => Promise.reject(new Error('ECONNREFUSED'));
const hanging: Ping = () => new Promise<void>(() => undefined);

function service(postgres: Ping, redis: Ping, drain = new DrainService()) {
  return new HealthService({ ping: postgres } as PrismaService, { ping: redis } as RedisService, drain);
}

describe('HealthService', () => {
  it('is ready when both answer', async () => {
    expect(await service(up, up).readiness()).toEqual({
      ready: true,
      body: { status: 'ok', checks: { postgres: 'up', redis: 'up' } },
    });
  });

  it.each([
    ['postgres', down, up],
    ['redis', up, down],
  ] as const)('is not ready when %s fails', async (name, postgres, redis) => {
    const { ready, body } = await service(postgres, redis).readiness();
    expect(ready).toBe(false);
    expect(body.status).toBe('unavailable');
    expect(body.checks[name]).toBe('down');
  });

  it('gives up on a check that does not answer in time', async () => {
    vi.useFakeTimers();
    try {
      const pending = service(hanging, up).readiness();
      await vi.advanceTimersByTimeAsync(CHECK_TIMEOUT_MS);
      expect((await pending).body.checks).toEqual({ postgres: 'down', redis: 'up' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('is not ready while draining, even with both up', async () => {
    const drain = new DrainService();
    drain.start();
    expect(await service(up, up, drain).readiness()).toEqual({
      ready: false,
      body: { status: 'unavailable', draining: true, checks: { postgres: 'up', redis: 'up' } },
    });
  });
});
