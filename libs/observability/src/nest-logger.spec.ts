import { describe, expect, it } from 'vitest';
import { NestLogger } from './nest-logger.js';
import { memoryLogger } from './testing.js';

describe('NestLogger', () => {
  it('maps Nest levels and keeps the context', () => {
    const { logger, lines } = memoryLogger();
    const nest = new NestLogger(logger);
    nest.log('Mapped {/health/live, GET} route', 'RouterExplorer');
    nest.warn('careful');
    nest.debug('details', 'Ctx');
    nest.verbose('chatter', 'Ctx');
    nest.fatal('down');
    expect(lines().map(({ level, msg, context }) => ({ level, msg, context }))).toEqual([
      { level: 'info', msg: 'Mapped {/health/live, GET} route', context: 'RouterExplorer' },
      { level: 'warn', msg: 'careful', context: undefined },
      { level: 'debug', msg: 'details', context: 'Ctx' },
      { level: 'trace', msg: 'chatter', context: 'Ctx' },
      { level: 'fatal', msg: 'down', context: undefined },
    ]);
  });

  it('keeps the stack of an error apart from its context', () => {
    const { logger, lines } = memoryLogger();
    const error = new Error('boom');
    new NestLogger(logger).error('handler failed', error.stack, 'ExceptionsHandler');
    expect(lines()[0]).toMatchObject({
      level: 'error',
      msg: 'handler failed',
      context: 'ExceptionsHandler',
      stack: error.stack,
    });
  });

  it('serialises Error and object messages', () => {
    const { logger, lines } = memoryLogger();
    const nest = new NestLogger(logger);
    nest.error(new Error('kaput'));
    nest.log({ event: 'x', token: 'secret-value' }, 'Ctx');
    expect(lines()[0]).toMatchObject({ level: 'error', msg: 'kaput', err: { message: 'kaput' } });
    expect(lines()[1]).toMatchObject({ level: 'info', context: 'Ctx', data: { event: 'x', token: '[redacted]' } });
  });

  it('respects the configured level', () => {
    const { logger, lines } = memoryLogger('warn');
    const nest = new NestLogger(logger);
    nest.log('quiet');
    nest.error('loud');
    expect(lines().map((line) => line.msg)).toEqual(['loud']);
  });
});
