// The local side of migrating: the migration scripts in prisma/migrations, exactly as Prisma reads them,
// so a database migrated by `s2-broker migrate` and one migrated by `prisma migrate deploy` agree.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LocalMigration {
  /** The folder name, which is also `_prisma_migrations.migration_name`. */
  readonly name: string;
  readonly script: Buffer;
  /** Lower-case hex SHA-256 of the script bytes. */
  readonly checksum: string;
}

/** Prisma's checksum of a migration script: the hex SHA-256 of its bytes. */
export function migrationChecksum(script: Uint8Array): string {
  return createHash('sha256').update(script).digest('hex');
}

/**
 * Whether a recorded checksum belongs to this script. Prisma accepts the script with its line endings
 * switched, because git may check out CRLF on Windows, and the checksums of old Prisma versions, which
 * dropped the leading zero of each byte; doing the same keeps databases migrated by Prisma valid here.
 */
export function checksumMatches(script: Uint8Array, recorded: string): boolean {
  const text = Buffer.from(script).toString('utf8');
  const variants = [
    Buffer.from(script),
    Buffer.from(text.replace(/\r\n/g, '\n')),
    Buffer.from(text.replace(/\r?\n/g, '\r\n')),
  ];
  const wanted = recorded.trim().toLowerCase();
  return variants.some((bytes) => {
    const digest = createHash('sha256').update(bytes).digest();
    return digest.toString('hex') === wanted || unpaddedHex(digest) === wanted;
  });
}

function unpaddedHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16)).join('');
}

/** Prisma orders migrations by folder name, byte by byte; `localeCompare` would differ for `_` and case. */
export function compareMigrationNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The nearest directory at or above `from` (a file URL or path) holding a package.json. Compiled code
 * runs from dist/ and tests from the sources; both share the repository's package root.
 */
export function findPackageRoot(from: string | URL): string {
  const start = from instanceof URL || from.startsWith('file:') ? fileURLToPath(from) : resolve(from);
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json found at or above ${start}`);
    dir = parent;
  }
}

/** prisma/migrations of the package this module belongs to. */
export function defaultMigrationsDir(): string {
  return join(findPackageRoot(import.meta.url), 'prisma', 'migrations');
}

/** Every `<dir>/migration.sql` of a migrations folder, in the order they must be applied. */
export async function readLocalMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT')
      throw new Error(`migrations folder ${migrationsDir} does not exist`);
    throw error;
  }
  // Files such as migration_lock.toml sit beside the migration folders.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort(compareMigrationNames);
  return Promise.all(
    names.map(async (name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      let script: Buffer;
      try {
        script = await readFile(file);
      } catch (error) {
        if (isNodeError(error) && error.code === 'ENOENT')
          throw new Error(`migration ${name} has no migration.sql (${file})`);
        throw error;
      }
      return { name, script, checksum: migrationChecksum(script) };
    }),
  );
}

function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}
