import type { LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

// Nest's ConsoleLogger recognises a stack trace by this shape; so do we.
const STACK = /^(.)+\n\s+at .+:\d+:\d+/;

/**
 * Routes Nest's own logging (bootstrap, route mapping, unhandled errors) into pino, so that every line
 * the process writes is JSON. Nest passes the context as the last string argument and, for errors, a
 * stack before it.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) {
      return;
    }
    const rest = [...params];
    const fields: Record<string, unknown> = {};
    const last = rest.at(-1);
    if (typeof last === 'string' && !STACK.test(last)) {
      fields.context = last;
      rest.pop();
    }
    const first = rest[0];
    if (typeof first === 'string' && STACK.test(first)) {
      fields.stack = first;
      rest.shift();
    }
    if (rest.length > 0) {
      fields.params = rest;
    }
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, data: message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
