import { Text } from '@mantine/core';
import type { InspectedMessage } from './types';

interface Point {
  t: number;
  value: number;
}

interface Instruction {
  t: number;
  label: string;
}

const COLORS = ['#0ca678', '#1c7ed6', '#f76707', '#ae3ec9', '#e03131', '#5c940d'];

type S2 = Record<string, unknown>;

function s2(value: unknown): S2 | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as S2) : undefined;
}

function timeOf(value: unknown, fallback: number): number {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(t) ? fallback : t;
}

/** Measured power per commodity quantity, and the instructions the RM was sent, from its history. */
export function powerSeries(messages: readonly InspectedMessage[]) {
  const series = new Map<string, Point[]>();
  const instructions: Instruction[] = [];
  for (const inspected of messages) {
    const message = s2(inspected.message);
    const type = message?.message_type;
    // A refused message is not what the RM measured; one held for want of a CEM still is.
    if (!message || typeof type !== 'string' || inspected.verdict === 'rejected') continue;
    if (type === 'PowerMeasurement' && Array.isArray(message.values)) {
      const t = timeOf(message.measurement_timestamp, inspected.at);
      for (const entry of message.values) {
        const value = s2(entry);
        if (typeof value?.value !== 'number' || typeof value.commodity_quantity !== 'string') continue;
        const points = series.get(value.commodity_quantity) ?? [];
        points.push({ t, value: value.value });
        series.set(value.commodity_quantity, points);
      }
    } else if (type.endsWith('Instruction') && inspected.direction === 'cem_to_rm') {
      const what = message.operation_mode ?? message.actuator_id ?? '';
      const factor = typeof message.operation_mode_factor === 'number' ? ` × ${message.operation_mode_factor}` : '';
      instructions.push({
        t: timeOf(message.execution_time, inspected.at),
        label: `${type} ${String(what).slice(0, 8)}${factor}`,
      });
    }
  }
  for (const points of series.values()) points.sort((a, b) => a.t - b.t);
  return { series, instructions };
}

const W = 900;
const H = 260;
const PAD = { left: 60, right: 16, top: 16, bottom: 36 };

export function PowerPlot({ messages }: { messages: readonly InspectedMessage[] }) {
  const { series, instructions } = powerSeries(messages);
  const all = [...series.values()].flat();
  if (all.length === 0 && instructions.length === 0)
    return <Text c="dimmed">No power measurement or instruction in the history window.</Text>;
  const times = [...all.map((p) => p.t), ...instructions.map((i) => i.t)];
  const t0 = Math.min(...times);
  const t1 = Math.max(...times, t0 + 1);
  const values = all.map((p) => p.value);
  const v0 = Math.min(0, ...values);
  const v1 = Math.max(1, ...values);
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - ((v - v0) / (v1 - v0)) * (H - PAD.top - PAD.bottom);
  const ticks = [v0, (v0 + v1) / 2, v1];
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      width="100%"
      role="img"
      aria-label="Measured power and instructions"
      data-testid="power-plot"
    >
      <rect
        x={PAD.left}
        y={PAD.top}
        width={W - PAD.left - PAD.right}
        height={H - PAD.top - PAD.bottom}
        fill="none"
        stroke="#ced4da"
      />
      {ticks.map((v) => (
        <g key={v}>
          <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#f1f3f5" />
          <text x={PAD.left - 6} y={y(v) + 4} fontSize="11" textAnchor="end">
            {Math.round(v)} W
          </text>
        </g>
      ))}
      <text x={PAD.left} y={H - 10} fontSize="11">
        {new Date(t0).toLocaleTimeString()}
      </text>
      <text x={W - PAD.right} y={H - 10} fontSize="11" textAnchor="end">
        {new Date(t1).toLocaleTimeString()}
      </text>
      {instructions.map((instruction, i) => (
        <g key={`${instruction.t}-${i}`}>
          <line
            x1={x(instruction.t)}
            x2={x(instruction.t)}
            y1={PAD.top}
            y2={H - PAD.bottom}
            stroke="#fa5252"
            strokeDasharray="4 3"
          />
          <title>{instruction.label}</title>
        </g>
      ))}
      {[...series.entries()].map(([quantity, points], i) => (
        <g key={quantity}>
          <polyline
            fill="none"
            stroke={COLORS[i % COLORS.length]}
            strokeWidth="2"
            points={points.map((p) => `${x(p.t)},${y(p.value)}`).join(' ')}
          />
          <text x={PAD.left + 8 + i * 170} y={PAD.top + 14} fontSize="11" fill={COLORS[i % COLORS.length]}>
            {quantity}
          </text>
        </g>
      ))}
    </svg>
  );
}
