// Runs the Prisma CLI for commands that need no schema engine (generate, validate, format).
// Prisma downloads engines on every command unless told where one is; generate does not use it,
// so a stub is enough when no engine is installed.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = join(mkdtempSync(join(tmpdir(), 's2-broker-prisma-')), 'schema-engine');
  writeFileSync(stub, '#!/bin/sh\necho "schema engine not installed: use s2-broker migrate" >&2\nexit 1\n');
  chmodSync(stub, 0o755);
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
const result = spawnSync('npx', ['--no-install', 'prisma', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
