// The Redis session directory answers as its in-memory twin does (the contract the routing unit tests
// rest on), against the real Redis.
import pino from 'pino';
import { afterAll } from 'vitest';
import { RedisSessionDirectory } from '#cluster';
import type { Config } from '#config';
import { RedisService } from '#redis';
import { describeSessionDirectory } from '#cluster/testing';

const redis = new RedisService(
  { redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', instanceId: 'e2e' } as Config,
  pino({ level: 'silent' }),
);

afterAll(() => redis.onApplicationShutdown());

describeSessionDirectory('RedisSessionDirectory', () => new RedisSessionDirectory(redis));
