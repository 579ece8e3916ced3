import type { DestinationStream } from 'pino';
import { createLogger, type Logger, type LogLevel } from './logger.js';

/** A logger whose lines are kept in memory, for tests. */
export function memoryLogger(level: LogLevel = 'trace'): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const raw: string[] = [];
  const destination: DestinationStream = { write: (line: string) => void raw.push(line) };
  const logger = createLogger({ level, instanceId: 'test-instance' }, destination);
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
