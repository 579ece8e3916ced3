// `node dist/bench/route/gc.js <dir>`: what V8's collector did in each replica during each measured
// phase of a route bench run with BENCH_GC_TRACE_DIR=<dir>.
import { summarize } from './gc-summary.js';

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write('usage: node dist/bench/route/gc.js <the BENCH_GC_TRACE_DIR of a route bench run>\n');
  process.exit(2);
}
process.stdout.write(`${summarize(dir).join('\n')}\n`);
