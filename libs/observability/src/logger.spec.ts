import { describe, expect, it } from 'vitest';
import { memoryLogger } from './testing.js';

describe('createLogger', () => {
  it('writes JSON lines with a level label, time and instance', () => {
    const { logger, lines } = memoryLogger('info');
    logger.info({ port: 8080 }, 'listening');
    logger.debug('hidden');
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatchObject({ level: 'info', instance: 'test-instance', msg: 'listening', port: 8080 });
    expect(typeof lines()[0]?.time).toBe('string');
  });

  it('redacts credentials wherever they appear', () => {
    const { logger, lines } = memoryLogger();
    logger.info(
      {
        headers: { authorization: 'Bearer h1', Authorization: 'Bearer h2', accept: 'json' },
        req: { headers: { authorization: 'Bearer h3' } },
        token: 't0',
        body: { token: 't1', secret: 's1', clientSecret: 'c1', accessToken: 'a1', password: 'p1', name: 'kept' },
        user: { password: 'p2' },
      },
      'event',
    );
    const line = JSON.stringify(lines()[0]);
    for (const value of ['h1', 'h2', 'h3', 't0', 't1', 's1', 'c1', 'a1', 'p1', 'p2']) {
      expect(line).not.toContain(`"${value}"`);
      expect(line).not.toContain(`Bearer ${value}`);
    }
    expect(line).toContain('"kept"');
    expect(line).toContain('"accept":"json"');
    expect(line).toContain('[redacted]');
  });
});
