#!/usr/bin/env node
// `npm start`: one command from a fresh clone to a running broker on this machine. Development secrets
// are generated once into .env.local (git-ignored, mode 0600) unless the environment provides them;
// then the broker is built, the database migrated, and `serve` run with the signals forwarded to it.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const envFile = join(root, '.env.local');
const main = join(root, 'dist', 'apps', 'cli', 'src', 'main.js');
// SECRETS_KEYS is a list of `id:base64key`; a development one has one key.
const SECRETS = {
  OPERATOR_TOKEN: () => randomBytes(32).toString('base64url'),
  JWT_SECRET: () => randomBytes(32).toString('base64url'),
  SECRETS_KEYS: () => `dev:${randomBytes(32).toString('base64')}`,
};
const NAMES = Object.keys(SECRETS);

/** The environment, completed from .env.local when a secret is missing; the environment wins. */
function withDevelopmentSecrets(env) {
  if (NAMES.every((name) => env[name])) {
    return env;
  }
  const existed = existsSync(envFile);
  const local = existed ? parseEnv(readFileSync(envFile, 'utf8')) : {};
  const missing = NAMES.filter((name) => !local[name]);
  if (missing.length > 0) {
    const lines = missing.map((name) => `${name}=${SECRETS[name]()}\n`).join('');
    if (existed) {
      appendFileSync(envFile, `\n${lines}`);
    } else {
      // 'wx': never overwrite a file that appeared meanwhile.
      writeFileSync(envFile, `# Development secrets written by npm start. Do not use them in production.\n${lines}`, {
        mode: 0o600,
        flag: 'wx',
      });
    }
  }
  const verb = missing.length > 0 ? 'wrote' : 'using';
  process.stderr.write(`start: ${verb} development secrets in .env.local\n`);
  return { ...parseEnv(readFileSync(envFile, 'utf8')), ...env };
}

let current = null;
for (const signal of ['SIGTERM', 'SIGINT']) {
  // The child gets the signal and decides; this process ends when the child does.
  process.on(signal, () => current?.kill(signal));
}

function run(command, args, env) {
  return new Promise((resolve) => {
    current = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    current.once('error', (error) => {
      process.stderr.write(`start: cannot run ${command}: ${error.message}\n`);
      resolve(1);
    });
    current.once('exit', (code, signal) => {
      current = null;
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

// Under `npm start` npm tells where it is; run that same npm with this same node.
const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];

const env = withDevelopmentSecrets({ ...process.env });
for (const [command, args] of [
  [npm[0], [...npm[1], 'run', 'build']],
  [process.execPath, [main, 'migrate']],
]) {
  const code = await run(command, args, env);
  if (code !== 0) {
    process.exit(code);
  }
}
process.exit(await run(process.execPath, [main, 'serve'], env));
