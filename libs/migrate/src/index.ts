export { parseDatabaseUrl, scrubSecret, DatabaseUrlError, type DatabaseTarget } from './database-url.js';
export { describeError, MigrationError } from './errors.js';
export {
  MIGRATION_LOCK_KEY,
  NO_TRANSACTION_MARKER,
  runMigrations,
  type MigrateEvent,
  type MigrateOptions,
  type MigrationReport,
} from './migrate.js';
export {
  checksumMatches,
  compareMigrationNames,
  defaultMigrationsDir,
  findPackageRoot,
  migrationChecksum,
  readLocalMigrations,
  type LocalMigration,
} from './migrations-folder.js';
export { planMigrations, type MigrationPlan, type MigrationRow } from './plan.js';
