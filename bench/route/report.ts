// The readable table under the JSON line: one column per target, and broker/baseline when both ran.
import type { CpuShare, ServerShare } from './cpu.js';
import { ratios, type Percentiles, type TargetResult } from './stats.js';

const number = (value: number, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const orDash = (value: number | null) => (value === null ? '-' : number(value));
const cpu = (c: CpuShare | undefined) =>
  c
    ? `${number(c.replicas)} / ${number(c.workers)} / ${orDash(c.redis)} / ${number(c.machine)}; ${orDash(c.cpuWait)}; ${number(c.replicaPreemptionsPerSecond)}`
    : '-';
const CPU_LABEL = 'CPU %: replicas / workers / Redis / machine; waited %; preempted/s';
const latency = (p: Percentiles) => `${p.p50.toFixed(2)} / ${p.p99.toFixed(2)} / ${p.p999.toFixed(2)}`;

export function table(results: readonly TargetResult[]): string {
  const broker = results.find((r) => r.target === 'broker');
  const baseline = results.find((r) => r.target === 'baseline');
  const ratio = broker && baseline ? ratios(broker, baseline) : undefined;
  const name = (r: TargetResult) => (r.redis === 'cluster' ? `${r.target} (Redis Cluster)` : r.target);
  const rows: string[][] = [['', ...results.map(name), ...(ratio ? ['broker/baseline'] : [])]];
  const add = (label: string, cell: (r: TargetResult) => string, keys?: readonly string[]) => {
    const ratioCell = keys?.map((k) => ratio?.[k]?.toFixed(2) ?? '-').join(' / ');
    rows.push([label, ...results.map(cell), ...(ratio ? [ratioCell ?? ''] : [])]);
  };
  add('RM sessions', (r) => number(r.sessions));
  add('idle RSS per session, KiB', (r) => number(r.idleRssKiBPerSession, 1), ['idleRssPerSession']);
  add('RSS per session at its peak while opening, KiB', (r) => number(r.peakRssKiBPerSession, 1), [
    'peakRssPerSession',
  ]);
  add('RSS per session right after traffic, KiB', (r) => number(r.rssKiBPerSessionAfterTraffic, 1), [
    'rssPerSessionAfterTraffic',
  ]);
  add('saturation, messages/s RM->CEM', (r) => number(r.saturation.messagesPerSecond), ['saturationMessagesPerSecond']);
  add(`  ${CPU_LABEL}`, (r) => cpu(r.saturation.cpu));
  // The per-message work by Redis server (each primary of a cluster): how evenly it spreads.
  const perServer = (r: TargetResult, value: (s: ServerShare) => number | null) =>
    r.saturation.cpu.perServer.map((s) => orDash(value(s))).join(' / ');
  add('  Redis commands/s, per server', (r) => perServer(r, (s) => s.callsPerSecond));
  add('  of them PUBLISH or SPUBLISH/s, per server', (r) => perServer(r, (s) => s.publishPerSecond));
  add('  of them scripts/s, per server', (r) => perServer(r, (s) => s.scriptsPerSecond));
  add('  Redis CPU %, per server', (r) => perServer(r, (s) => s.cpu));
  for (const { perSecond } of results[0]?.rates ?? []) {
    const at = (r: TargetResult) => r.rates.find((x) => x.perSecond === perSecond);
    for (const [direction, name] of [
      ['rmToCemMs', 'RM->CEM'],
      ['cemToRmMs', 'CEM->RM'],
    ] as const) {
      const keys = ['p50', 'p99', 'p999'].map((p) => `${direction}@${perSecond}.${p}`);
      add(
        `${name} @ ${number(perSecond)}/s, p50/p99/p99.9 ms`,
        (r) => {
          const rate = at(r);
          return rate ? latency(rate[direction]) : '-';
        },
        keys,
      );
    }
    add(`  ${CPU_LABEL}`, (r) => cpu(at(r)?.cpu));
    add('  gateway CPU per message, µs', (r) => orDash(at(r)?.gatewayCpuMicrosPerMessage ?? null));
    if (results.some((r) => r.inspected !== undefined)) {
      const inspected = (r: TargetResult) => r.inspected?.find((x) => x.perSecond === perSecond);
      add(`  same, one inspector open: gateway CPU per message, µs`, (r) =>
        orDash(inspected(r)?.gatewayCpuMicrosPerMessage ?? null),
      );
      add(`  ${CPU_LABEL}`, (r) => cpu(inspected(r)?.cpu));
      add('  inspector stream: messages / gap events', (r) => {
        const seen = inspected(r)?.inspector;
        return seen ? `${number(seen.messages)} / ${number(seen.gaps)}` : '-';
      });
    }
  }
  const losses = (r: TargetResult) =>
    r.saturation.rejected + r.saturation.lost + r.rates.reduce((n, x) => n + x.rejected + x.lost, 0);
  add('messages refused or lost', (r) => number(losses(r)));
  const columns = rows[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  const pad = (cell: string, c: number) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0));
  return rows.map((row) => row.map(pad).join('   ')).join('\n');
}
