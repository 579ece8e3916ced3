import { describe, expect, it } from 'vitest';
import { isInternalPath } from './surfaces.js';

describe('isInternalPath', () => {
  it.each(['/metrics', '/metrics/', '/health/live', '/health/ready', '/HEALTH/Ready', '/admin/v1/tenants', '/admin'])(
    '%s is internal',
    (path) => expect(isInternalPath(path)).toBe(true),
  );

  it.each(['/', '/metricsx', '/healthz', '/administrator', '/api/v1/cem-nodes', '/pairing/', '/api/docs', '/s2/v1/ws'])(
    '%s is public',
    (path) => expect(isInternalPath(path)).toBe(false),
  );
});
