#!/usr/bin/env node
// Checks the Kubernetes manifests in deploy/: every kustomization under deploy/overlays renders with
// `kubectl kustomize`, every object it renders is valid against the Kubernetes API's schema or its
// CRD's (ServiceMonitor, PrometheusRule, HTTPRoute), unknown fields included, and every
// PrometheusRule's rules pass `promtool check rules`.
//
//   node scripts/check-deploy.mjs                     # all of the above; exit 1 on any problem
//   node scripts/check-deploy.mjs --validate FILE...  # only validate the objects in YAML files
//
// The schemas come from the kubernetes-models packages (devDependencies): their validators check types,
// formats and required fields but let unknown fields through, so each object is also type-checked as
// an object literal of the package's TypeScript type, whose excess property check names any field the
// schema does not have.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The package and module of an object's model, by its apiVersion; undefined for a kind none ships. */
function modelModule(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !/^[A-Za-z]+$/.test(kind)) return undefined;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  let module;
  if (group === 'monitoring.coreos.com') module = `@kubernetes-models/prometheus-operator/${apiVersion}/${kind}`;
  else if (group === 'gateway.networking.k8s.io') module = `@kubernetes-models/gateway-api/${apiVersion}/${kind}`;
  else if (group === '' || !group.includes('.') || group.endsWith('.k8s.io'))
    module = `kubernetes-models/${group === '' ? version : apiVersion}/${kind}`;
  else return undefined;
  return existsSync(join(root, 'node_modules', `${module}.js`)) ? module : undefined;
}

/**
 * kubectl kustomize wraps a long base64 value of a Secret over lines, which the API server's decoder
 * skips (Go's base64 ignores newlines) but the schema's "byte" format does not.
 */
function asDecoded(object) {
  if (object.kind !== 'Secret' || object.data === null || typeof object.data !== 'object') return object;
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replace(/\n/g, '') : value,
    ]),
  );
  return { ...object, data };
}

function nameOf(object) {
  return `${object?.kind ?? '?'}/${object?.metadata?.name ?? '?'}`;
}

/**
 * Every problem with the objects, as "Kind/name: what", in their order; none when all are valid.
 * `source` names where they came from in the messages.
 */
export async function validateObjects(objects, source) {
  const problems = [];
  const typed = [];
  for (const object of objects) {
    const module = modelModule(object?.apiVersion, object?.kind);
    if (module === undefined) {
      problems.push(
        `${source}: ${nameOf(object)}: no schema for apiVersion ${object?.apiVersion} kind ${object?.kind}`,
      );
      continue;
    }
    const { [object.kind]: Model } = await import(module);
    try {
      new Model(asDecoded(object)).validate();
    } catch (error) {
      problems.push(`${source}: ${nameOf(object)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    typed.push({ object, module });
  }
  problems.push(...unknownFields(typed, source));
  return problems;
}

/** Type-checks each object as a literal of its model's interface: excess property checks name unknown fields. */
function unknownFields(typed, source) {
  if (typed.length === 0) return [];
  const dir = mkdtempSync(join(root, 'node_modules', '.check-deploy-'));
  try {
    const file = join(dir, 'objects.ts');
    const lines = [];
    const starts = [];
    typed.forEach(({ object, module }, i) => {
      lines.push(`import type { I${object.kind} as T${i} } from '${module}';`);
    });
    typed.forEach(({ object }, i) => {
      starts.push(lines.length);
      lines.push(...`export const o${i}: T${i} = ${JSON.stringify(object, null, 2)};`.split('\n'));
    });
    writeFileSync(file, lines.join('\n') + '\n');
    const program = ts.createProgram([file], {
      noEmit: true,
      strict: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
      if (diagnostic.file === undefined || diagnostic.start === undefined) return `${source}: ${text}`;
      const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      let index = starts.length - 1;
      while (index > 0 && starts[index] > line) index--;
      if (line < starts[0]) return `${source}: ${text}`;
      const path = fieldPath(lines.slice(starts[index], line + 1));
      return `${source}: ${nameOf(typed[index].object)}: ${path}: ${text}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The dotted path of the last line's key in pretty-printed JSON, from its enclosing keys. */
function fieldPath(objectLines) {
  const path = [];
  for (const line of objectLines.slice(1)) {
    const indent = line.length - line.trimStart().length;
    const depth = indent / 2 - 1;
    const key = /^\s*"((?:[^"\\]|\\.)*)":/.exec(line)?.[1] ?? (line.trim().startsWith('{') ? '[]' : undefined);
    if (key === undefined || depth < 0) continue;
    path.length = depth;
    path[depth] = key;
  }
  return (
    path
      .filter((p) => p !== undefined)
      .join('.')
      .replaceAll('.[]', '[]') || '(top)'
  );
}

function have(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** promtool comes with Debian's prometheus package; installed the way the machine installs anything. */
function ensurePromtool() {
  if (have('promtool')) return;
  console.error('promtool is missing: installing Debian package prometheus');
  execFileSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

function kustomizations(dir) {
  const found = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (!statSync(path).isDirectory()) continue;
    const file = join(path, 'kustomization.yaml');
    if (existsSync(file) && !/^kind:\s*Component\s*$/m.test(readFileSync(file, 'utf8'))) found.push(path);
    found.push(...kustomizations(path));
  }
  return found;
}

function parseObjects(text, source) {
  const objects = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0) throw new Error(`${source}: ${document.errors[0].message}`);
    const value = document.toJS();
    if (value !== null && value !== undefined) objects.push(value);
  }
  return objects;
}

/** Renders every overlay in a copy of deploy/ whose secrets.env files are their committed examples. */
async function checkOverlays() {
  if (!have('kubectl'))
    throw new Error('kubectl is missing: install it (apt-get install kubectl) to render the overlays');
  ensurePromtool();
  const work = mkdtempSync(join(tmpdir(), 's2-broker-deploy-'));
  const problems = [];
  try {
    cpSync(join(root, 'deploy'), join(work, 'deploy'), { recursive: true });
    for (const example of findFiles(join(work, 'deploy'), 'secrets.env.example')) {
      const real = join(dirname(example), 'secrets.env');
      if (!existsSync(real)) cpSync(example, real);
    }
    const overlays = kustomizations(join(work, 'deploy', 'overlays'));
    if (overlays.length === 0) problems.push('deploy/overlays: no kustomization found');
    for (const overlay of overlays) {
      const source = relative(work, overlay);
      const rendered = spawnSync('kubectl', ['kustomize', overlay], { encoding: 'utf8' });
      if (rendered.status !== 0) {
        problems.push(`${source}: kubectl kustomize failed: ${rendered.stderr.trim()}`);
        continue;
      }
      const objects = parseObjects(rendered.stdout, source);
      problems.push(...(await validateObjects(objects, source)));
      for (const rule of objects.filter((o) => o.kind === 'PrometheusRule')) {
        const file = join(work, `rules-${rule.metadata.name}.yaml`);
        writeFileSync(file, stringify({ groups: rule.spec?.groups ?? [] }));
        const checked = spawnSync('promtool', ['check', 'rules', file], { encoding: 'utf8' });
        if (checked.status !== 0)
          problems.push(
            `${source}: ${nameOf(rule)}: promtool check rules: ${(checked.stdout + checked.stderr).trim()}`,
          );
      }
      console.log(`${source}: ${objects.length} objects`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return problems;
}

function findFiles(dir, name) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return findFiles(path, name);
    return entry === name ? [path] : [];
  });
}

async function main(args) {
  let problems;
  if (args[0] === '--validate') {
    problems = [];
    for (const file of args.slice(1))
      problems.push(...(await validateObjects(parseObjects(readFileSync(file, 'utf8'), file), file)));
  } else {
    problems = await checkOverlays();
  }
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s) in the manifests`);
    process.exit(1);
  }
  console.log('manifests valid');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  main(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
