// Reads a PostgreSQL connection URL the way `pg` does, so the database created here is the one `pg`
// then connects to, and derives the URL of the server's maintenance database from it.

export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

export interface DatabaseTarget {
  /** The URL as given; contains the password, so never print it. */
  readonly url: string;
  /** Name of the target database, decoded. */
  readonly database: string;
  /** Same server, user and options, database `postgres`: where CREATE DATABASE runs. */
  readonly maintenanceUrl: string;
  /** `host:port` for messages. */
  readonly server: string;
  /** Decoded password, empty when none, so callers can scrub it from anything they print. */
  readonly password: string;
}

const MAINTENANCE_DATABASE = 'postgres';

/**
 * Validates a `postgres://` or `postgresql://` URL that names a database. The messages never repeat the
 * URL, which may carry a password.
 */
export function parseDatabaseUrl(value: string, label = 'database URL'): DatabaseTarget {
  if (value.trim() === '') throw new DatabaseUrlError(`${label} is empty`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new DatabaseUrlError(
      `${label} is not a valid URL (expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE)`,
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new DatabaseUrlError(`${label} must use the postgresql:// or postgres:// scheme, not ${url.protocol}//`);
  }
  const path = url.pathname.replace(/^\//, '');
  // pg decodes the path with decodeURI; decoding it differently could create one database and use another.
  let database: string;
  try {
    database = decodeURI(path);
  } catch {
    throw new DatabaseUrlError(`${label} has a malformed database name`);
  }
  if (database === '') throw new DatabaseUrlError(`${label} names no database (expected .../DATABASE after the host)`);
  if (database.includes('/')) throw new DatabaseUrlError(`${label} has a database name containing '/'`);
  if (url.hostname === '' && !url.searchParams.has('host')) throw new DatabaseUrlError(`${label} names no host`);

  const maintenance = new URL(url.href);
  maintenance.pathname = `/${MAINTENANCE_DATABASE}`;
  let password: string;
  try {
    password = decodeURIComponent(url.password);
  } catch {
    password = url.password;
  }
  const host = url.hostname || (url.searchParams.get('host') ?? '');
  return {
    url: value,
    database,
    maintenanceUrl: maintenance.href,
    server: `${host}:${url.port || '5432'}`,
    password,
  };
}

/** Replaces every occurrence of `secret` (when there is one) so a message can be printed safely. */
export function scrubSecret(message: string, secret: string): string {
  return secret === '' ? message : message.split(secret).join('***');
}
