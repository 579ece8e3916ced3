// Applies prisma/migrations to PostgreSQL with `pg` alone: Prisma's schema engine is a native binary
// that cannot be fetched everywhere the broker is deployed. The bookkeeping is Prisma's own
// `_prisma_migrations` table, so `prisma migrate status/deploy` can take over a database at any time.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { parseDatabaseUrl, type DatabaseTarget } from './database-url.js';
import { describeError, isPgError, MigrationError } from './errors.js';
import { defaultMigrationsDir, readLocalMigrations, type LocalMigration } from './migrations-folder.js';
import { planMigrations, type MigrationRow } from './plan.js';

/** Prisma's advisory lock key, so this runner and `prisma migrate deploy` also exclude each other. */
export const MIGRATION_LOCK_KEY = 72707369;

export interface MigrateOptions {
  /** postgresql:// URL of the database to migrate; created when missing. */
  databaseUrl: string;
  /** Folder of `<name>/migration.sql` folders; prisma/migrations of this package by default. */
  migrationsDir?: string;
  onEvent?: (event: MigrateEvent) => void;
  /** Per connection attempt; the advisory lock itself is waited for without limit. */
  connectionTimeoutMillis?: number;
}

export type MigrateEvent =
  | { type: 'database_created'; database: string }
  | { type: 'waiting_for_lock'; database: string }
  | { type: 'migration_applied'; migration: string; durationMs: number }
  | { type: 'migration_not_found_locally'; migration: string };

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
// Two concurrent CREATE DATABASE of one name can both pass the existence check; the loser then fails on
// pg_database's unique index instead of with duplicate_database.
const UNIQUE_VIOLATION = '23505';

// Prisma's definition, column for column, so Prisma's tooling reads and writes it unchanged.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

/**
 * Creates the database if needed and applies every pending migration, each in one transaction with its
 * `_prisma_migrations` row, holding an advisory lock so concurrent runs (several replicas starting at
 * once) apply each migration exactly once. Throws a `MigrationError` naming the migration at fault.
 */
export async function runMigrations(options: MigrateOptions): Promise<MigrationReport> {
  const target = parseDatabaseUrl(options.databaseUrl);
  // Read the folder first: a missing or unreadable migration should fail before the database is touched.
  const local = await readLocalMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const emit = options.onEvent ?? (() => undefined);
  const timeout = options.connectionTimeoutMillis ?? 10_000;

  const client = await connectCreatingDatabase(target, emit, timeout);
  try {
    const { rows } = await client.query<{ locked: boolean }>(
      `SELECT pg_try_advisory_lock(${MIGRATION_LOCK_KEY}) AS locked`,
    );
    if (!rows[0]?.locked) {
      emit({ type: 'waiting_for_lock', database: target.database });
      await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    }

    await client.query(CREATE_MIGRATIONS_TABLE);
    const recorded = await client.query<MigrationRow>(
      `SELECT "id", "checksum", "migration_name", "started_at", "finished_at", "rolled_back_at"
         FROM "_prisma_migrations" ORDER BY "started_at", "migration_name"`,
    );
    const plan = planMigrations(local, recorded.rows);
    for (const migration of plan.notFoundLocally) emit({ type: 'migration_not_found_locally', migration });

    const applied: string[] = [];
    for (const migration of plan.pending) {
      const started = performance.now();
      await applyMigration(client, migration);
      applied.push(migration.name);
      emit({
        type: 'migration_applied',
        migration: migration.name,
        durationMs: Math.round(performance.now() - started),
      });
    }

    await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    return { applied, alreadyApplied: plan.alreadyApplied };
  } finally {
    // Ending the session also releases the lock when something above failed.
    await client.end().catch(() => undefined);
  }
}

/**
 * The first line of a migration that PostgreSQL refuses to run inside a transaction, such as
 * `CREATE INDEX CONCURRENTLY`. Such a migration holds that one statement: several statements in one
 * query string form an implicit transaction, which PostgreSQL refuses just the same.
 */
export const NO_TRANSACTION_MARKER = '-- s2-broker:no-transaction';

function runsOutsideTransaction(sql: string): boolean {
  return sql.split('\n', 1)[0]?.trim() === NO_TRANSACTION_MARKER;
}

async function applyMigration(client: pg.Client, migration: LocalMigration): Promise<void> {
  const sql = migration.script.toString('utf8');
  if (runsOutsideTransaction(sql)) return applyOutsideTransaction(client, migration, sql);
  await client.query('BEGIN');
  try {
    // Without parameters pg uses the simple query protocol, which runs a whole multi-statement script.
    await client.query(sql);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `migration ${migration.name} failed and was rolled back: ${describeError(error, sql)}`,
      migration.name,
      { cause: error },
    );
  }
  try {
    await record(client, migration);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(
      `migration ${migration.name} could not be committed and was rolled back: ${describeError(error)}`,
      migration.name,
      { cause: error },
    );
  }
}

function record(client: pg.Client, migration: LocalMigration): Promise<unknown> {
  return client.query(
    `INSERT INTO "_prisma_migrations"
       ("id", "checksum", "migration_name", "started_at", "finished_at", "applied_steps_count")
     VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
    [randomUUID(), migration.checksum, migration.name],
  );
}

/**
 * Nothing rolls such a migration back: a failed CREATE INDEX CONCURRENTLY leaves an INVALID index, and
 * a crash between the statement and its row runs the statement again next time. Hence IF NOT EXISTS in
 * the statement and the advice in the error.
 */
async function applyOutsideTransaction(client: pg.Client, migration: LocalMigration, sql: string): Promise<void> {
  try {
    await client.query(sql);
  } catch (error) {
    throw new MigrationError(
      `migration ${migration.name} failed outside a transaction, so nothing was rolled back (drop an index ` +
        `it left INVALID before retrying): ${describeError(error, sql)}`,
      migration.name,
      { cause: error },
    );
  }
  try {
    await record(client, migration);
  } catch (error) {
    throw new MigrationError(
      `migration ${migration.name} ran but could not be recorded: ${describeError(error)}`,
      migration.name,
      { cause: error },
    );
  }
}

/** Connects to the target database, creating it through the maintenance database when it does not exist. */
async function connectCreatingDatabase(
  target: DatabaseTarget,
  emit: (event: MigrateEvent) => void,
  timeout: number,
): Promise<pg.Client> {
  try {
    return await connect(target.url, timeout);
  } catch (error) {
    if (!isPgError(error) || error.code !== INVALID_CATALOG_NAME) {
      throw new MigrationError(
        `cannot connect to database ${target.database} on ${target.server}: ${describeError(error)}`,
      );
    }
  }

  let admin: pg.Client;
  try {
    admin = await connect(target.maintenanceUrl, timeout);
  } catch (error) {
    throw new MigrationError(
      `database ${target.database} does not exist and the maintenance database postgres on ${target.server} ` +
        `cannot be reached to create it: ${describeError(error)}`,
    );
  }
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(target.database)}`);
    emit({ type: 'database_created', database: target.database });
  } catch (error) {
    if (!isPgError(error) || (error.code !== DUPLICATE_DATABASE && error.code !== UNIQUE_VIOLATION)) {
      throw new MigrationError(
        `cannot create database ${target.database} on ${target.server}: ${describeError(error)}`,
      );
    }
  } finally {
    await admin.end().catch(() => undefined);
  }

  try {
    return await connect(target.url, timeout);
  } catch (error) {
    throw new MigrationError(
      `cannot connect to database ${target.database} on ${target.server}: ${describeError(error)}`,
    );
  }
}

async function connect(connectionString: string, connectionTimeoutMillis: number): Promise<pg.Client> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis, application_name: 's2-broker-migrate' });
  // A connection the server drops is reported here as well as to the pending query; unhandled, this event
  // would end the process before the query's error could be reported.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}
