// Before the end-to-end tests: the test database exists and carries every migration, so `npm test`
// works on a fresh machine as well as after CI's own migrate step.
import { runMigrations } from '#migrate';

export const TEST_DATABASE_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_test';

export default async function setup(): Promise<void> {
  await runMigrations({ databaseUrl: TEST_DATABASE_URL });
}
