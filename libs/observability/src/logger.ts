import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';

export type { Logger } from 'pino';
export type LogLevel = LevelWithSilent;

/** Injection token of the root pino `Logger`; take `.child({ component })` of it. */
export const LOGGER = Symbol('s2-broker:logger');

export interface LoggerOptions {
  level: LevelWithSilent;
  instanceId: string;
}

const SECRET_KEYS = ['token', 'secret', 'clientSecret', 'accessToken', 'password', 'authorization'];

/**
 * Paths whose values never reach a log line. Headers in particular are never logged on purpose, but a
 * header object passed along by mistake still loses its credentials.
 */
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'Authorization',
  '*.Authorization',
];

/** JSON lines on stdout, one object per event, carrying the instance id. */
export function createLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  return pino(
    {
      level: options.level,
      base: { instance: options.instanceId },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Label levels so that log queries do not need pino's numeric table.
      formatters: { level: (label: string) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    // Synchronous writes: nothing is lost when the process exits right after logging.
    destination ?? pino.destination({ fd: 1, sync: true }),
  );
}
