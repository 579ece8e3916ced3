import type pg from 'pg';
import type { DependencyErrorKind } from '#observability';

// SQLSTATE classes that are answers, not failures: constraint violations (23) are how the store learns
// that a name is taken, and the broker maps them to 409s.
const ANSWERS = /^23/;
// Connection exceptions (08), the server going away (57P01-57P03), too many connections (53300).
const CONNECTION = /^(08|57P0[1-3]|53300)/;

/** What kind of PostgreSQL error this is, or undefined for one that is an answer (a constraint). */
export function postgresErrorKind(error: unknown): DependencyErrorKind | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    if (ANSWERS.test(code)) return undefined;
    if (code === '57014') return 'timeout';
    return CONNECTION.test(code) ? 'connection' : 'query';
  }
  // No SQLSTATE: the driver's own, such as a refused or reset socket, or the pool's wait running out.
  const message = error instanceof Error ? error.message : '';
  return /timeout/i.test(message) ? 'timeout' : 'connection';
}

type AnyQuery = (...args: unknown[]) => unknown;

/**
 * Counts the errors of a pool's connections as `count(kind)`: connections that could not be opened
 * or broke, statements that failed or timed out. The pool and its clients go on as they were.
 */
export function countPoolErrors(pool: pg.Pool, count: (kind: DependencyErrorKind) => void): void {
  const counted = (error: unknown): void => {
    const kind = postgresErrorKind(error);
    if (kind !== undefined) count(kind);
  };
  // An idle connection that broke.
  pool.on('error', counted);
  // Queries on each connection, as the Prisma adapter and `prepared` send them (promises).
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as AnyQuery;
    (client as unknown as { query: AnyQuery }).query = (...args) => {
      const result = query(...args);
      if (result instanceof Promise) result.catch(counted);
      return result;
    };
  });
  // A connection that could not be had: PostgreSQL unreachable, or the pool's wait ran out.
  const connect = pool.connect.bind(pool) as AnyQuery;
  (pool as unknown as { connect: AnyQuery }).connect = (...args) => {
    const callback = args[0];
    if (typeof callback === 'function') {
      return connect((error: unknown, ...rest: unknown[]) => {
        if (error) counted(error);
        return (callback as AnyQuery)(error, ...rest);
      });
    }
    const result = connect();
    if (result instanceof Promise) result.catch(counted);
    return result;
  };
}
