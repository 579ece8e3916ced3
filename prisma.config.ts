import { defineConfig } from 'prisma/config';

// Prisma's own CLI (generate, and migrate deploy/status where its engines can be reached) reads this.
// The broker applies migrations itself with `s2-broker migrate`.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker' },
});
