// The migration runner and `s2-broker migrate` against a real PostgreSQL server (TEST_DATABASE_URL's
// server, or the local default). Every test works in its own new database, dropped at the end.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  defaultMigrationsDir,
  findPackageRoot,
  MigrationError,
  NO_TRANSACTION_MARKER,
  runMigrations,
  type MigrateEvent,
} from '#migrate';

const root = findPackageRoot(import.meta.url);
const cli = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
const server = new URL(process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
const created: string[] = [];
let admin: pg.Client;
let migrationNames: string[];

function urlOf(database: string, password?: string): string {
  const url = new URL(server.href);
  url.pathname = `/${encodeURIComponent(database)}`;
  if (password !== undefined) url.password = password;
  return url.href;
}

/** A name no database has yet; mixed case and a hyphen make sure CREATE DATABASE quotes it. */
function newDatabaseName(): string {
  const name = `s2_broker_Migrate-${randomBytes(5).toString('hex')}`;
  created.push(name);
  return name;
}

async function databaseExists(name: string): Promise<boolean> {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rowCount === 1;
}

async function withDatabase<T>(name: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(name) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

interface Row {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

async function migrationRows(name: string): Promise<Row[]> {
  return withDatabase(name, async (client) => {
    const { rows } = await client.query<Row>(
      `SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs
         FROM _prisma_migrations ORDER BY migration_name`,
    );
    return rows;
  });
}

async function expectedChecksums(dir = defaultMigrationsDir()): Promise<Map<string, string>> {
  const checksums = new Map<string, string>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const bytes = await readFile(join(dir, entry.name, 'migration.sql'));
    checksums.set(entry.name, createHash('sha256').update(bytes).digest('hex'));
  }
  return checksums;
}

/** Table names of schema.prisma's models: `@@map` when present, else the model name. A block ends at a `}` line. */
async function schemaTables(): Promise<string[]> {
  const schema = await readFile(join(root, 'prisma', 'schema.prisma'), 'utf8');
  return [...schema.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)].map(
    ([, model, body]) => /@@map\("([^"]+)"\)/.exec(body ?? '')?.[1] ?? model ?? '',
  );
}

/** A copy of the project's migrations followed by `extra` (folder name -> migration.sql). */
async function migrationsWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 's2-broker-migrations-'));
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<MigrationError> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MigrationError);
  return error as MigrationError;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  server.pathname = '/postgres';
  admin = new pg.Client({ connectionString: server.href });
  await admin.connect();
  migrationNames = [...(await expectedChecksums()).keys()].sort();
  expect(migrationNames.length).toBeGreaterThan(0);
});

afterAll(async () => {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  await admin.end();
});

describe('runMigrations', () => {
  it('creates the database, applies every migration and records it as Prisma does; a second run applies nothing', async () => {
    const name = newDatabaseName();
    expect(await databaseExists(name)).toBe(false);
    const events: MigrateEvent[] = [];

    const first = await runMigrations({ databaseUrl: urlOf(name), onEvent: (event) => events.push(event) });

    expect(first).toEqual({ applied: migrationNames, alreadyApplied: [] });
    expect(await databaseExists(name)).toBe(true);
    expect(events).toContainEqual({ type: 'database_created', database: name });
    expect(events.filter((event) => event.type === 'migration_applied').map((event) => event.migration)).toEqual(
      migrationNames,
    );

    const tables = await withDatabase(name, async (client) => {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      return rows.map((row) => row.table_name);
    });
    const wanted = await schemaTables();
    expect(wanted.length).toBeGreaterThan(0);
    expect(tables).toEqual(expect.arrayContaining([...wanted, '_prisma_migrations']));

    const columns = await withDatabase(name, async (client) => {
      const { rows } = await client.query<{ column_name: string; data_type: string; is_nullable: string }>(
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return rows.map((row) => `${row.column_name} ${row.data_type} ${row.is_nullable}`);
    });
    expect(columns).toEqual([
      'id character varying NO',
      'checksum character varying NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO',
      'applied_steps_count integer NO',
    ]);

    const checksums = await expectedChecksums();
    const rows = await migrationRows(name);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
    for (const row of rows) {
      expect(row.checksum).toBe(checksums.get(row.migration_name));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
    }

    const secondEvents: MigrateEvent[] = [];
    const second = await runMigrations({ databaseUrl: urlOf(name), onEvent: (event) => secondEvents.push(event) });
    expect(second).toEqual({ applied: [], alreadyApplied: migrationNames });
    expect(secondEvents).toEqual([]);
    expect(await migrationRows(name)).toEqual(rows);
  });

  it('applies each migration exactly once when two runs start together on a missing database', async () => {
    const name = newDatabaseName();

    const reports = await Promise.all([
      runMigrations({ databaseUrl: urlOf(name) }),
      runMigrations({ databaseUrl: urlOf(name) }),
    ]);

    expect(reports.flatMap((report) => report.applied).sort()).toEqual(migrationNames);
    for (const report of reports) {
      expect([...report.applied, ...report.alreadyApplied].sort()).toEqual(migrationNames);
    }
    const rows = await migrationRows(name);
    expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
  });

  it('refuses to continue when an applied migration was changed, naming it', async () => {
    const name = newDatabaseName();
    await runMigrations({ databaseUrl: urlOf(name) });
    const tampered = migrationNames[0] ?? '';
    await withDatabase(name, (client) =>
      client.query("UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = $1", [tampered]),
    );

    const error = await rejection(runMigrations({ databaseUrl: urlOf(name) }));

    expect(error.migration).toBe(tampered);
    expect(error.message).toContain(`migration ${tampered} was changed after it was applied`);
  });

  it('refuses to continue after a failed migration, naming it', async () => {
    const name = newDatabaseName();
    await runMigrations({ databaseUrl: urlOf(name) });
    const failed = migrationNames[migrationNames.length - 1] ?? '';
    await withDatabase(name, (client) =>
      client.query('UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = $1', [failed]),
    );

    const error = await rejection(runMigrations({ databaseUrl: urlOf(name) }));

    expect(error.migration).toBe(failed);
    expect(error.message).toContain(`migration ${failed} failed in an earlier run`);
  });

  it('warns about, and otherwise ignores, an applied migration missing from the folder', async () => {
    const name = newDatabaseName();
    await runMigrations({ databaseUrl: urlOf(name) });
    await withDatabase(name, (client) =>
      client.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
         VALUES (gen_random_uuid(), repeat('a', 64), '29990101000000_from_a_newer_release', now(), 1)`,
      ),
    );
    const events: MigrateEvent[] = [];

    const report = await runMigrations({ databaseUrl: urlOf(name), onEvent: (event) => events.push(event) });

    expect(report).toEqual({ applied: [], alreadyApplied: migrationNames });
    expect(events).toEqual([{ type: 'migration_not_found_locally', migration: '29990101000000_from_a_newer_release' }]);
  });

  describe('with a migration that must run outside a transaction', () => {
    let dir: string;
    const index =
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "probe_concurrent_idx" ON "_prisma_migrations" ("finished_at");\n';

    beforeAll(async () => {
      dir = await migrationsWith({
        '29990101000000_concurrent_index': `${NO_TRANSACTION_MARKER}\n${index}`,
        '29990102000000_after_it': 'CREATE TABLE "after_probe" ("id" INTEGER);\n',
      });
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('applies CREATE INDEX CONCURRENTLY under the marker, records it, and goes on', async () => {
      const name = newDatabaseName();

      const report = await runMigrations({ databaseUrl: urlOf(name), migrationsDir: dir });

      expect(report.applied).toEqual([...migrationNames, '29990101000000_concurrent_index', '29990102000000_after_it']);
      const valid = await withDatabase(name, (client) =>
        client.query(
          `SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'probe_concurrent_idx'`,
        ),
      );
      expect(valid.rows).toEqual([{ indisvalid: true }]);
      expect((await runMigrations({ databaseUrl: urlOf(name), migrationsDir: dir })).applied).toEqual([]);
    });

    it('without the marker, fails naming the migration, as PostgreSQL refuses it in a transaction', async () => {
      const bare = await migrationsWith({ '29990101000000_concurrent_index': index });
      try {
        const error = await rejection(runMigrations({ databaseUrl: urlOf(newDatabaseName()), migrationsDir: bare }));

        expect(error.migration).toBe('29990101000000_concurrent_index');
        expect(error.message).toContain('cannot run inside a transaction block');
      } finally {
        await rm(bare, { recursive: true, force: true });
      }
    });
  });

  describe('with a broken migration', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await migrationsWith({
        '29990101000000_comment_only': '-- This is an empty migration.\n',
        '29990102000000_broken':
          '-- CreateTable\nCREATE TABLE "broken_probe" ("id" INTEGER);\n\nSELECT * FROM "no_such_table";\n',
      });
    });

    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('rolls it back, does not record it, and names it and the PostgreSQL error', async () => {
      const name = newDatabaseName();

      const error = await rejection(runMigrations({ databaseUrl: urlOf(name), migrationsDir: dir }));

      expect(error.migration).toBe('29990102000000_broken');
      expect(error.message).toContain('migration 29990102000000_broken failed and was rolled back');
      expect(error.message).toContain('relation "no_such_table" does not exist (SQLSTATE 42P01, line 4)');
      const rows = await migrationRows(name);
      expect(rows.map((row) => row.migration_name)).toEqual([...migrationNames, '29990101000000_comment_only']);
      const probe = await withDatabase(name, (client) => client.query("SELECT to_regclass('broken_probe') AS t"));
      expect(probe.rows[0]).toEqual({ t: null });

      // The failure left nothing behind, so the next run resumes with the broken migration only.
      const again = await rejection(runMigrations({ databaseUrl: urlOf(name), migrationsDir: dir }));
      expect(again.migration).toBe('29990102000000_broken');
    });
  });
});

describe('s2-broker migrate', () => {
  beforeAll(() => {
    expect(existsSync(cli), `${cli} is missing: build first (npm run build)`).toBe(true);
  });

  it('migrates a new database, then finds nothing to do, and never prints the password', async () => {
    const name = newDatabaseName();
    // The server trusts local connections, so any password is accepted and must still stay hidden.
    const env = { DATABASE_URL: urlOf(name, 'hunter22-secret') };

    const first = await runCli(['migrate'], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const lines = first.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.slice(0, -1)).toEqual(
      migrationNames.map((migration) => ({ event: 'migration_applied', migration, durationMs: expect.any(Number) })),
    );
    expect(lines.at(-1)).toMatchObject({
      event: 'migrate_done',
      database: name,
      databaseCreated: true,
      applied: migrationNames.length,
      alreadyApplied: 0,
    });

    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(second.stdout)).toMatchObject({
      event: 'migrate_done',
      databaseCreated: false,
      applied: 0,
      alreadyApplied: migrationNames.length,
    });
    expect(first.stdout + second.stdout + second.stderr).not.toContain('hunter22');
  });

  it('fails with one line naming DATABASE_URL when it is not a PostgreSQL URL', async () => {
    const run = await runCli(['migrate'], { DATABASE_URL: 'mysql://root:hunter22@localhost/app' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^s2-broker migrate: DATABASE_URL must use the postgresql:\/\/ .*\n$/);
    expect(run.stderr).not.toContain('hunter22');
  });

  it('fails with one line, without the password, when the server cannot be reached', async () => {
    const run = await runCli(['migrate'], { DATABASE_URL: 'postgresql://postgres:hunter22@127.0.0.1:1/s2_broker' });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^s2-broker migrate: cannot connect to database s2_broker on 127\.0\.0\.1:1: .+\n$/);
    expect(run.stderr).not.toContain('hunter22');
  });
});
