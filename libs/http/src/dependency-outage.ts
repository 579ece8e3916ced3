// Whether an error says that PostgreSQL or Redis could not be reached (down, restarting, out of
// connections), as opposed to a bug: the caller is then told to try again later (503 with Retry-After),
// never 500, and never 401, which would make a client throw away credentials that are good.

/** Seconds a client is asked to wait before it tries again during an outage. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/** Socket errors of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve now: connection exceptions (class 08), too many
 * connections, and a server shutting down or starting up (57P01 to 57P03).
 */
const POSTGRES_UNAVAILABLE = /^(08\d{3}|53300|57P0[123])$/;

/** Prisma's codes for an unreachable server, a lost connection and a pool that gave out. */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);

/** What the drivers say when they have no code to give. */
const UNAVAILABLE_MESSAGE =
  /connection terminated|terminating connection|timeout exceeded when trying to connect|connection is closed|can't reach database server|connection refused|server closed the connection|stream isn't writeable/i;

/**
 * Redis answers of a shard that cannot serve now (a failover under way, a replica promoted, a dataset
 * loading), and ioredis's own words for a cluster whose map of slots it is still learning.
 */
const REDIS_UNAVAILABLE =
  /^(CLUSTERDOWN|TRYAGAIN|MASTERDOWN|LOADING|READONLY)\b|too many cluster redirections|failed to refresh slots cache|none of startup nodes is available|cluster isn't ready/i;

const MAX_DEPTH = 8;

function fieldOf(value: object, key: string): unknown {
  return (value as Record<string, unknown>)[key];
}

/** True when the error, or one it was caused by, is an outage of a service the broker depends on. */
export function isDependencyOutage(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const code = fieldOf(error, 'code');
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code))) return true;
  if (typeof code === 'string' && PRISMA_UNAVAILABLE.has(code)) return true;
  if (fieldOf(error, 'name') === 'MaxRetriesPerRequestError') return true;
  const message = fieldOf(error, 'message');
  if (typeof message === 'string' && (UNAVAILABLE_MESSAGE.test(message) || REDIS_UNAVAILABLE.test(message)))
    return true;
  const nested = [fieldOf(error, 'cause'), fieldOf(error, 'originalError')];
  const errors = fieldOf(error, 'errors');
  if (Array.isArray(errors)) nested.push(...(errors as unknown[]));
  return nested.some((inner) => isDependencyOutage(inner, depth + 1));
}
