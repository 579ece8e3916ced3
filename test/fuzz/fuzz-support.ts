// What the fuzz runs share: a seed that can be replayed, inputs built from valid ones by mutation (the
// way a broken client or an attacker gets past the first checks), a raw HTTP client that sends bytes
// fetch would refuse to, and the broker's memory.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import fc from 'fast-check';

/**
 * `FUZZ_SEED=<n>` runs other inputs (the seed of every run is printed). A fixed one by default, so that
 * CI runs the same inputs every time and a red run is a regression, not a new find.
 */
export const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);

const awkwardStrings = fc.constantFrom(
  '',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e',
  '%00',
  "'; DROP TABLE tenants; --",
  '../../etc/passwd',
  '{"a":',
  '__proto__',
  'constructor',
  'x'.repeat(70_000),
);
const awkwardNumbers = fc.constantFrom(0, -1, -0, 2 ** 53, -(2 ** 63), 1.5, Number.MAX_VALUE, 1e-320);

/** Any JSON value, leaning to the values that break parsers and validators. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 2, arbitrary: awkwardStrings },
  { weight: 1, arbitrary: awkwardNumbers },
  { weight: 1, arbitrary: fc.array(awkwardStrings, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
);

type Json = Record<string, unknown>;

/** A valid object with one field replaced, removed, added, or a nested one changed the same way. */
export function mutated(valid: Json): fc.Arbitrary<Json> {
  const keys = Object.keys(valid);
  const added = fc
    .tuple(fc.oneof(fc.string(), awkwardStrings), anyValue)
    .map(([key, value]) => ({ ...valid, [key]: value }));
  if (keys.length === 0) return added;
  const change: fc.Arbitrary<Json> = fc.oneof(
    fc.tuple(fc.constantFrom(...keys), anyValue).map(([key, value]) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const copy = { ...valid };
      delete copy[key];
      return copy;
    }),
    added,
  );
  const nested = keys.filter(
    (key) => typeof valid[key] === 'object' && valid[key] !== null && !Array.isArray(valid[key]),
  );
  if (nested.length === 0) return change;
  return fc.oneof(
    change,
    fc.constantFrom(...nested).chain((key) => mutated(valid[key] as Json).map((inner) => ({ ...valid, [key]: inner }))),
  );
}

/** Text that is almost the JSON of `value`: cut short, a byte changed, a number no double holds. */
export function textOf(value: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(value, fc.nat(), fc.constantFrom('', '"', '{', ']', '\\', '\u0000', '1e400', ',', '\ud800'))
        .map(([v, at, insert]) => {
          const text = JSON.stringify(v) ?? 'null';
          const cut = at % (text.length + 1);
          return text.slice(0, cut) + insert + text.slice(cut + (insert === '' ? 1 : 0));
        }),
    },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  );
}

export interface RawAnswer {
  /** The status of the answer's first line; undefined when the server answered nothing parsable. */
  status: number | undefined;
  head: string;
  body: string;
}

/** One HTTP/1.1 request written byte for byte, so that headers and bodies fetch refuses get sent too. */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: [string, string][],
  body: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const payload = Buffer.from(body, 'utf8');
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close'];
    for (const [name, value] of headers) lines.push(`${name}: ${value}`);
    lines.push(`Content-Length: ${payload.length}`);
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer to ${method} ${path} in 20 s`)));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(head);
      resolve({ status: match ? Number(match[1]) : undefined, head, body: split < 0 ? '' : text.slice(split + 4) });
    });
    // Not end(): a client that half-closes first may lose the answer; the server closes (Connection: close).
    socket.write(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), payload]));
  });
}

/** Resident memory of a process, in MiB. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
  return kib / 1024;
}

/** What fast-check is told for every property: the seed, a bounded number of runs, no shrinking time-outs. */
export function runs(numRuns = RUNS): fc.Parameters<unknown> {
  return { seed: SEED, numRuns, endOnFailure: true };
}
