import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'check-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function validate(yaml: string): { status: number | null; stderr: string } {
  const file = join(dir, `objects-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/check-deploy.mjs'), '--validate', file], {
    encoding: 'utf8',
  });
  return { status: run.status, stderr: run.stderr };
}

const service = (spec: string) => `apiVersion: v1
kind: Service
metadata:
  name: s2-broker
spec:
${spec}`;

// The CI check of deploy/ is only worth something if a misspelt field fails it: Kubernetes drops
// unknown fields on apply (or rejects them), so a typo in a manifest is a setting silently not applied.
// Each run type-checks the objects with the TypeScript compiler: seconds, not milliseconds.
describe('scripts/check-deploy.mjs --validate', { timeout: 120_000 }, () => {
  it('passes a valid object', () => {
    const { status, stderr } = validate(service('  selector: {app: x}\n  ports:\n    - name: http\n      port: 80\n'));
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('fails on an unknown field, naming the object and the field', () => {
    const { status, stderr } = validate(
      service('  ports:\n    - name: http\n      port: 80\n      targetPortt: http\n'),
    );
    expect(status).toBe(1);
    expect(stderr).toContain(
      'Service/s2-broker: spec.ports[].targetPortt: Object literal may only specify known properties',
    );
  });

  it('fails on an unknown field of a CRD (ServiceMonitor)', () => {
    const { status, stderr } = validate(`apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: s2-broker
spec:
  selector: {}
  endpoints:
    - port: internal
      intervall: 15s
`);
    expect(status).toBe(1);
    expect(stderr).toContain('ServiceMonitor/s2-broker: spec.endpoints[].intervall');
  });

  it('fails on a wrong type and on a kind it has no schema for', () => {
    const { status, stderr } = validate(`${service('  ports:\n    - port: eighty\n')}
---
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
`);
    expect(status).toBe(1);
    expect(stderr).toContain('Service/s2-broker');
    expect(stderr).toContain('Widget/w: no schema for apiVersion example.com/v1 kind Widget');
  });
});
