import { MigrationError } from './errors.js';
import { checksumMatches, type LocalMigration } from './migrations-folder.js';

/** A row of Prisma's `_prisma_migrations` table, as far as migrating needs it. */
export interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrationPlan {
  pending: LocalMigration[];
  alreadyApplied: string[];
  /** Applied in the database but absent from the migrations folder (e.g. an older image after a newer one). */
  notFoundLocally: string[];
}

/**
 * Decides what to apply, with Prisma's rules: a row counts once finished, a rolled-back row does not
 * count at all (so `prisma migrate resolve --rolled-back` lets the migration run again), and a row neither
 * finished nor rolled back is a failed migration that someone must resolve by hand first.
 */
export function planMigrations(local: readonly LocalMigration[], rows: readonly MigrationRow[]): MigrationPlan {
  const live = rows.filter((row) => row.rolled_back_at === null);

  const failed = live.filter((row) => row.finished_at === null);
  const [firstFailed] = failed;
  if (firstFailed) {
    const names = unique(failed.map((row) => row.migration_name));
    throw new MigrationError(
      `migration ${names.join(', ')} failed in an earlier run (started ${firstFailed.started_at.toISOString()}) and is ` +
        'recorded in _prisma_migrations with neither finished_at nor rolled_back_at; repair the database, then set ' +
        'its rolled_back_at (to run it again) or finished_at (if it was completed by hand) before migrating',
      firstFailed.migration_name,
    );
  }

  const appliedRows = new Map<string, MigrationRow[]>();
  for (const row of live) appliedRows.set(row.migration_name, [...(appliedRows.get(row.migration_name) ?? []), row]);

  const modified = local.filter((migration) =>
    (appliedRows.get(migration.name) ?? []).some((row) => !checksumMatches(migration.script, row.checksum)),
  );
  const [firstModified] = modified;
  if (firstModified) {
    const recorded = appliedRows.get(firstModified.name)?.[0]?.checksum ?? '';
    throw new MigrationError(
      `migration ${modified.map((migration) => migration.name).join(', ')} was changed after it was applied ` +
        `(checksum in _prisma_migrations ${recorded}, migration.sql ${firstModified.checksum}); ` +
        'restore the applied migration.sql and put the change in a new migration',
      firstModified.name,
    );
  }

  const localNames = new Set(local.map((migration) => migration.name));
  return {
    pending: local.filter((migration) => !appliedRows.has(migration.name)),
    alreadyApplied: local.filter((migration) => appliedRows.has(migration.name)).map((migration) => migration.name),
    notFoundLocally: [...appliedRows.keys()].filter((name) => !localNames.has(name)),
  };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
