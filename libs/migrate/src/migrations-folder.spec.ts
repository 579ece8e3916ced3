import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checksumMatches,
  compareMigrationNames,
  defaultMigrationsDir,
  findPackageRoot,
  migrationChecksum,
  readLocalMigrations,
} from './migrations-folder.js';

describe('migrationChecksum', () => {
  it('is the lower-case hex SHA-256 of the bytes', () => {
    expect(migrationChecksum(Buffer.from('abc'))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('hashes bytes, not a re-encoded string', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf, 0x53, 0x45, 0x4c]);
    expect(migrationChecksum(bom)).toBe(createHash('sha256').update(bom).digest('hex'));
  });
});

describe('checksumMatches', () => {
  const script = Buffer.from('CREATE TABLE a ();\nCREATE TABLE b ();\n');

  it('accepts its own checksum, in either case', () => {
    expect(checksumMatches(script, migrationChecksum(script))).toBe(true);
    expect(checksumMatches(script, migrationChecksum(script).toUpperCase())).toBe(true);
  });

  it('accepts the checksum of the same script with other line endings', () => {
    const crlf = Buffer.from(script.toString().replace(/\n/g, '\r\n'));
    expect(checksumMatches(crlf, migrationChecksum(script))).toBe(true);
    expect(checksumMatches(script, migrationChecksum(crlf))).toBe(true);
  });

  it("accepts old Prisma versions' checksums without zero padding", () => {
    const digest = createHash('sha256').update(script).digest();
    const unpadded = Array.from(digest, (byte) => byte.toString(16)).join('');
    expect(checksumMatches(script, unpadded)).toBe(true);
  });

  it('rejects the checksum of a different script', () => {
    expect(checksumMatches(script, migrationChecksum(Buffer.from('CREATE TABLE a ();\n')))).toBe(false);
    expect(checksumMatches(script, '')).toBe(false);
  });
});

describe('compareMigrationNames', () => {
  it('orders by code unit like Prisma, not by locale', () => {
    const names = ['20240102_b', '20240101_a', '20240101_B', '20240101_a_fix', '2024'];
    expect([...names].sort(compareMigrationNames)).toEqual([
      '2024',
      '20240101_B',
      '20240101_a',
      '20240101_a_fix',
      '20240102_b',
    ]);
  });
});

describe('readLocalMigrations', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 's2-broker-migrations-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function addMigration(name: string, sql: string): Promise<void> {
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, 'migration.sql'), sql);
  }

  it('reads every folder in name order with its checksum, ignoring files beside them', async () => {
    await addMigration('20250102000000_second', 'SELECT 2;\n');
    await addMigration('20250101000000_first', 'SELECT 1;\n');
    await addMigration('20241231000000_zeroth', '');
    await writeFile(join(dir, 'migration_lock.toml'), 'provider = "postgresql"\n');

    const migrations = await readLocalMigrations(dir);

    expect(migrations.map((migration) => migration.name)).toEqual([
      '20241231000000_zeroth',
      '20250101000000_first',
      '20250102000000_second',
    ]);
    expect(migrations[1]?.script.toString()).toBe('SELECT 1;\n');
    expect(migrations[1]?.checksum).toBe(migrationChecksum(Buffer.from('SELECT 1;\n')));
    expect(migrations[0]?.checksum).toBe(migrationChecksum(Buffer.alloc(0)));
  });

  it('names a folder without migration.sql', async () => {
    await addMigration('20250101000000_first', 'SELECT 1;\n');
    await mkdir(join(dir, '20250102000000_empty'));
    await expect(readLocalMigrations(dir)).rejects.toThrow(/migration 20250102000000_empty has no migration\.sql/);
  });

  it('names a missing migrations folder', async () => {
    await expect(readLocalMigrations(join(dir, 'nope'))).rejects.toThrow(/migrations folder .*nope does not exist/);
  });

  it('reads an empty folder as no migrations', async () => {
    await expect(readLocalMigrations(dir)).resolves.toEqual([]);
  });
});

describe('findPackageRoot', () => {
  it('walks up from a file URL or a path to the nearest package.json', async () => {
    const root = await mkdtemp(join(tmpdir(), 's2-broker-root-'));
    try {
      await writeFile(join(root, 'package.json'), '{}');
      await mkdir(join(root, 'dist', 'libs', 'db'), { recursive: true });
      const file = join(root, 'dist', 'libs', 'db', 'x.js');
      expect(findPackageRoot(pathToFileURL(file))).toBe(root);
      expect(findPackageRoot(pathToFileURL(file).href)).toBe(root);
      expect(findPackageRoot(file)).toBe(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("finds this repository's prisma/migrations from the sources", async () => {
    const migrations = await readLocalMigrations(defaultMigrationsDir());
    expect(migrations.length).toBeGreaterThan(0);
    expect(defaultMigrationsDir()).toBe(join(findPackageRoot(import.meta.url), 'prisma', 'migrations'));
  });
});
