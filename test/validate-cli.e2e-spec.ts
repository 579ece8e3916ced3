import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(import.meta.dirname, '../dist/apps/cli/src/main.js');

function validate(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, 'validate', ...args], { input, encoding: 'utf8' });
  const lines = result.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code: result.status, lines, stderr: result.stderr };
}

const measurement = {
  message_type: 'PowerMeasurement',
  message_id: 'pm-1',
  measurement_timestamp: '2026-11-27T10:00:00Z',
  values: [{ commodity_quantity: 'ELECTRIC.POWER.L1', value: 2000 }],
};
const instruction = { message_type: 'SelectControlType', message_id: 'sel-1', control_type: 'FILL_RATE_BASED_CONTROL' };

describe('s2-broker validate', () => {
  it('reads JSON Lines from stdin and exits 0 when all are valid', () => {
    const out = validate([], `${JSON.stringify(measurement)}\n\n${JSON.stringify(instruction)}\n`);
    expect(out.code).toBe(0);
    expect(out.lines).toEqual([
      { index: 0, valid: true, messageType: 'PowerMeasurement', errors: [] },
      { index: 1, valid: true, messageType: 'SelectControlType', errors: [] },
    ]);
  });

  it('reports a line that is not JSON as invalid and goes on', () => {
    const out = validate(
      ['-'],
      `${JSON.stringify(measurement)}\n{not json\n${JSON.stringify({ ...measurement, extra: 1 })}\n`,
    );
    expect(out.code).toBe(1);
    expect(out.lines).toHaveLength(3);
    expect(out.lines[0]).toMatchObject({ index: 0, valid: true });
    expect(out.lines[1]).toMatchObject({ index: 1, valid: false, messageType: null, errors: [{ rule: 'json' }] });
    expect(out.lines[2]).toMatchObject({
      index: 2,
      valid: false,
      messageType: 'PowerMeasurement',
      errors: [{ path: '/extra', rule: 'additionalProperties' }],
    });
  });

  it('reads a JSON array from a file, checks the role and the chosen S2 JSON version', () => {
    const dir = mkdtempSync(join(tmpdir(), 's2-validate-'));
    const file = join(dir, 'messages.json');
    const present = {
      message_type: 'DDBC.PresentDemandStatus',
      message_id: 'p-1',
      present_demand_rate: { start_of_range: 0, end_of_range: 1 },
    };
    writeFileSync(file, JSON.stringify([measurement, instruction, present]));
    const asRm = validate(['--role', 'RM', file]);
    expect(asRm.code).toBe(1);
    expect(asRm.lines.map((l) => l['valid'])).toEqual([true, false, true]);
    expect(asRm.lines[1]).toMatchObject({ errors: [{ rule: 'role' }] });
    const old = validate(['--s2-version', 'v0.0.2-beta', '--role', 'RM', file]);
    expect(old.lines[2]).toMatchObject({ valid: false, errors: [{ path: '/message_type' }] });
    expect(readFileSync(file, 'utf8')).toContain('PowerMeasurement');
  });

  it('refuses unknown options with exit code 2 and a usage line', () => {
    const out = validate(['--s2-version', 'v9'], '');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--s2-version must be one of v1.0.0, v0.0.2-beta');
  });
});
