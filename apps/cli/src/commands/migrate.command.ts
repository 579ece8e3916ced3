// `s2-broker migrate`: reads only DATABASE_URL, so it can run as a Kubernetes Job or init step before the
// rest of the broker's configuration (Redis, secrets) exists.
import {
  DatabaseUrlError,
  describeError,
  parseDatabaseUrl,
  runMigrations,
  scrubSecret,
  type DatabaseTarget,
  type MigrateEvent,
} from '#migrate';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/s2_broker';

const USAGE = `usage: s2-broker migrate

Creates the database named by DATABASE_URL if it does not exist and applies the pending migrations of
prisma/migrations. Prints one JSON line per applied migration and a summary line.

environment:
  DATABASE_URL  postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (default ${DEFAULT_DATABASE_URL})
`;

export async function migrateCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`s2-broker migrate: unexpected argument '${argv[0]}'\n${USAGE}`);
    return 2;
  }

  let target: DatabaseTarget;
  try {
    target = parseDatabaseUrl(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 'DATABASE_URL');
  } catch (error) {
    if (!(error instanceof DatabaseUrlError)) throw error;
    process.stderr.write(`s2-broker migrate: ${error.message}\n`);
    return 1;
  }
  // Nothing printed should contain the password, but a server or driver message might echo it back.
  const print = (stream: NodeJS.WriteStream, line: string): void => {
    stream.write(`${scrubSecret(line, target.password)}\n`);
  };

  let databaseCreated = false;
  const onEvent = (event: MigrateEvent): void => {
    switch (event.type) {
      case 'database_created':
        databaseCreated = true;
        break;
      case 'migration_applied':
        print(
          process.stdout,
          JSON.stringify({ event: 'migration_applied', migration: event.migration, durationMs: event.durationMs }),
        );
        break;
      case 'waiting_for_lock':
        print(process.stderr, `s2-broker migrate: another migration of ${event.database} is running; waiting for it`);
        break;
      case 'migration_not_found_locally':
        print(
          process.stderr,
          `s2-broker migrate: warning: migration ${event.migration} is applied in the database but not in prisma/migrations; continuing`,
        );
        break;
    }
  };

  try {
    const report = await runMigrations({ databaseUrl: target.url, onEvent });
    print(
      process.stdout,
      JSON.stringify({
        event: 'migrate_done',
        database: target.database,
        server: target.server,
        databaseCreated,
        applied: report.applied.length,
        alreadyApplied: report.alreadyApplied.length,
      }),
    );
    return 0;
  } catch (error) {
    print(process.stderr, `s2-broker migrate: ${describeError(error)}`);
    return 1;
  }
}
