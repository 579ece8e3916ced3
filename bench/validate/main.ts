// Parse + validate + session-rule check of a realistic S2 message mix on one core, as the gateway does
// for every frame. Prints messages per second and per-message latency percentiles.
//
//   npm run build && node dist/bench/validate/main.js [--seconds 5] [--version v0.0.2-beta]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { inspectFrame, type FrameContext, INITIAL_SESSION_STATE, type SessionState, isS2JsonVersion } from '#s2-json';
import { loadExamples } from '#s2-json/testing';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, version: { type: 'string', default: 'v0.0.2-beta' } },
});
const seconds = Number(values.seconds);
const version = values.version;
if (!isS2JsonVersion(version) || !(seconds > 0)) throw new Error('usage: --seconds N --version v0.0.2-beta|v1.0.0');

// Weights per 100 frames of a home with an EV charger on FRBC: mostly measurements and statuses.
const MIX: Record<string, { weight: number; sender: 'RM' | 'CEM' }> = {
  PowerMeasurement: { weight: 35, sender: 'RM' },
  'FRBC.ActuatorStatus': { weight: 15, sender: 'RM' },
  'FRBC.StorageStatus': { weight: 15, sender: 'RM' },
  InstructionStatusUpdate: { weight: 8, sender: 'RM' },
  'FRBC.Instruction': { weight: 8, sender: 'CEM' },
  ReceptionStatus: { weight: 12, sender: 'CEM' },
  'FRBC.UsageForecast': { weight: 3, sender: 'RM' },
  'FRBC.TimerStatus': { weight: 2, sender: 'RM' },
  'FRBC.SystemDescription': { weight: 2, sender: 'RM' },
};

const examples = loadExamples().map((e) => e.example.message);
const byType = new Map(examples.map((m) => [m['message_type'] as string, m]));
byType.set('ReceptionStatus', { message_type: 'ReceptionStatus', subject_message_id: randomUUID(), status: 'OK' });

const state: SessionState = {
  ...INITIAL_SESSION_STATE,
  activeControlType: 'FILL_RATE_BASED_CONTROL',
  offeredControlTypes: ['FILL_RATE_BASED_CONTROL'],
};
const frames: { text: string; context: FrameContext }[] = [];
for (let copy = 0; copy < 20; copy++) {
  for (const [type, { weight, sender }] of Object.entries(MIX)) {
    const template = byType.get(type);
    if (!template) throw new Error(`no example of ${type}`);
    for (let i = 0; i < weight; i++) {
      const message =
        type === 'ReceptionStatus'
          ? { ...template, subject_message_id: randomUUID() }
          : { ...template, message_id: randomUUID() };
      frames.push({ text: JSON.stringify(message), context: { version, sender, state } });
    }
  }
}
// Shuffle so that branch prediction sees a mix, as a gateway does.
for (let i = frames.length - 1; i > 0; i--) {
  const j = Math.floor(Math.random() * (i + 1));
  [frames[i], frames[j]] = [frames[j] as (typeof frames)[number], frames[i] as (typeof frames)[number]];
}
const bytes = frames.reduce((sum, f) => sum + Buffer.byteLength(f.text), 0) / frames.length;

function run(durationMs: number, onEach?: (ns: number) => void): { count: number; elapsedNs: number } {
  let count = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  for (;;) {
    for (const frame of frames) {
      if (onEach) {
        const t0 = process.hrtime.bigint();
        const outcome = inspectFrame(frame.text, frame.context);
        onEach(Number(process.hrtime.bigint() - t0));
        if (outcome.kind !== 'forward') throw new Error(`unexpected ${outcome.kind}`);
      } else if (inspectFrame(frame.text, frame.context).kind !== 'forward') {
        throw new Error('unexpected rejection');
      }
    }
    count += frames.length;
    const now = process.hrtime.bigint();
    if (now >= deadline) return { count, elapsedNs: Number(now - start) };
  }
}

run(1000); // warm-up: let the JIT settle
const throughput = run(seconds * 1000);
const samples = new Float64Array(2_000_000);
let n = 0;
run(Math.max(1000, (seconds * 1000) / 2), (ns) => {
  if (n < samples.length) samples[n++] = ns;
});
const sorted = samples.subarray(0, n).sort();
const pct = (p: number) => (sorted[Math.min(n - 1, Math.floor((p / 100) * n))] ?? 0) / 1000;

const perSecond = Math.round(throughput.count / (throughput.elapsedNs / 1e9));
console.log(
  JSON.stringify({
    bench: 'validate',
    s2Version: version,
    node: process.version,
    distinctFrames: frames.length,
    meanFrameBytes: Math.round(bytes),
    messagesPerSecond: perSecond,
    latencyMicros: { p50: +pct(50).toFixed(2), p99: +pct(99).toFixed(2), p999: +pct(99.9).toFixed(2) },
  }),
);
console.log(
  `validate ${version}: ${perSecond.toLocaleString('en')} messages/s on one core; per message p50 ${pct(50).toFixed(2)} µs, p99 ${pct(99).toFixed(2)} µs (mean frame ${Math.round(bytes)} bytes)`,
);
