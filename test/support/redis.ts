// The tests' Redis, in the topology TEST_REDIS_MODE names (standalone by default), for the broker
// processes (as their environment) and for tests that look into Redis themselves.
import pino from 'pino';
import { type Config, type ConfigIssue, type RedisTarget, redisTargetFromEnv } from '#config';
import { createRedis, type RedisClient, RedisService } from '#redis';

const REDIS_VARIABLES = [
  'REDIS_URL',
  'REDIS_MODE',
  'REDIS_SENTINELS',
  'REDIS_SENTINEL_NAME',
  'REDIS_SENTINEL_PASSWORD',
  'REDIS_CLUSTER_NODES',
  'REDIS_PASSWORD',
  'REDIS_TLS',
] as const;

/** The REDIS_* environment of a test broker, from TEST_REDIS_MODE and the TEST_REDIS_* variables. */
export function testRedisEnv(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.fromEntries(REDIS_VARIABLES.map((name) => [name, undefined]));
  const mode = process.env.TEST_REDIS_MODE ?? 'standalone';
  if (mode === 'sentinel') {
    env.REDIS_MODE = 'sentinel';
    env.REDIS_SENTINELS = process.env.TEST_REDIS_SENTINELS ?? '127.0.0.1:27001,127.0.0.1:27002,127.0.0.1:27003';
    env.REDIS_SENTINEL_NAME = process.env.TEST_REDIS_SENTINEL_NAME ?? 's2b-test';
  } else if (mode === 'cluster') {
    env.REDIS_MODE = 'cluster';
    env.REDIS_CLUSTER_NODES = process.env.TEST_REDIS_CLUSTER_NODES ?? '127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103';
  } else {
    env.REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  }
  return env;
}

export function testRedisTarget(): RedisTarget {
  const issues: ConfigIssue[] = [];
  const target = redisTargetFromEnv(testRedisEnv(), issues);
  if (target === null) {
    throw new Error(`test Redis: ${issues.map((issue) => `${issue.variable} ${issue.problem}`).join('; ')}`);
  }
  return target;
}

/** A connection to the tests' Redis; the caller closes it (`closeRedis`). */
export function openTestRedis(name = 'e2e'): RedisClient {
  return createRedis(testRedisTarget(), name, { instanceId: 'e2e' });
}

/** A RedisService on the tests' Redis, for libraries that take one. */
export function testRedisService(): RedisService {
  return new RedisService({ redis: testRedisTarget(), instanceId: 'e2e' } as Config, pino({ level: 'silent' }));
}
