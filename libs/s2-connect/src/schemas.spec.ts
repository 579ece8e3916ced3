import { describe, expect, it } from 'vitest';
import { validateBody } from './schemas.js';

describe('validateBody names the JSON path and the rule broken', () => {
  it.each<[string, unknown, string | undefined]>([
    [
      'a valid body',
      { clientNodeId: '0b6b1c9e-2c0a-4d0c-9c43-3f7e2f5a7c11', serverNodeId: '5c3f7a9e-8d61-4b5e-a1f2-0d9c8b7a6e54' },
      undefined,
    ],
    ['a missing field', { clientNodeId: '0b6b1c9e-2c0a-4d0c-9c43-3f7e2f5a7c11' }, '/serverNodeId'],
    [
      'a field of the wrong type',
      { clientNodeId: 7, serverNodeId: '5c3f7a9e-8d61-4b5e-a1f2-0d9c8b7a6e54' },
      '/clientNodeId',
    ],
    ['not an object', 'unpair', 'must be object'],
  ])('%s', (_name, body, problem) => {
    const result = validateBody('UnpairRequest', body);
    if (problem === undefined) expect(result.ok).toBe(true);
    else expect(result.ok ? '' : result.problem).toContain(problem);
  });
});
