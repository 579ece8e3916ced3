// The Redis session directory answers as its in-memory twin does (the contract the routing unit tests
// rest on), against the real Redis.
import { afterAll } from 'vitest';
import { RedisSessionDirectory } from '#cluster';
import { describeSessionDirectory } from '#cluster/testing';
import { testRedisService } from './support/redis.js';

const redis = testRedisService();

afterAll(() => redis.onApplicationShutdown());

describeSessionDirectory('RedisSessionDirectory', () => new RedisSessionDirectory(redis));
