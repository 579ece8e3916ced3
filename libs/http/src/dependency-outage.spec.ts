import { describe, expect, it } from 'vitest';
import { isDependencyOutage } from './dependency-outage.js';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('isDependencyOutage', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED')],
    ['a reset connection', withCode('ECONNRESET')],
    ['a PostgreSQL connection exception', withCode('08006')],
    ['PostgreSQL out of connections', withCode('53300')],
    ['PostgreSQL shutting down', withCode('57P01')],
    ['PostgreSQL starting up', withCode('57P03')],
    ['Prisma: server unreachable', withCode('P1001')],
    ['Prisma: pool timed out', withCode('P2024')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: pool connect timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis: closed', new Error('Connection is closed.')],
    [
      'ioredis: retries exhausted',
      Object.assign(new Error('Reached the max retries'), { name: 'MaxRetriesPerRequestError' }),
    ],
    ['Redis Cluster: a shard down', new Error('CLUSTERDOWN The cluster is down')],
    ['Redis Cluster: a slot migrating', new Error('TRYAGAIN Multiple keys request during rehashing of slot')],
    ['Redis: a demoted primary', new Error("READONLY You can't write against a read only replica.")],
    ['Redis: loading its data', new Error('LOADING Redis is loading the dataset in memory')],
    [
      'ioredis: redirected too often',
      new Error('Too many Cluster redirections. Last error: Error: Connection is closed.'),
    ],
    ['ioredis: no slot map', new Error('Failed to refresh slots cache.')],
    ['an outage behind a cause', new Error('query failed', { cause: withCode('ECONNREFUSED') })],
    ['an outage behind a driver adapter', Object.assign(new Error('adapter'), { originalError: withCode('57P01') })],
    ['an outage in an AggregateError', new AggregateError([new Error('x'), withCode('ECONNREFUSED')])],
  ])('%s is an outage', (_name, error) => {
    expect(isDependencyOutage(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    [
      'a Redis answer to a wrong command',
      new Error('WRONGTYPE Operation against a key holding the wrong kind of value'),
    ],
    ['a Redis script error', new Error('ERR Error running script: READONLY is a word in it')],
    ['a unique violation', withCode('23505', 'duplicate key value violates unique constraint')],
    ['Prisma: record not found', withCode('P2025')],
    ['a string', 'ECONNREFUSED'],
    ['nothing', undefined],
    [
      'a cycle of causes',
      (() => {
        const error: Error & { cause?: unknown } = new Error('loop');
        error.cause = error;
        return error;
      })(),
    ],
  ])('%s is not', (_name, error) => {
    expect(isDependencyOutage(error)).toBe(false);
  });
});
