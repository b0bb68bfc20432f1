/**
 * @module The operational logger (pino) every process uses for its own logs. Foundation layer.
 * Human-readable on a terminal, JSON lines otherwise; always on stderr so that stdout stays the
 * command's result. Audit records are a separate stream (audit/) and never go through this logger.
 */

import { createRequire } from 'node:module';
import pino, { type Logger, type LoggerOptions } from 'pino';
import type PinoPretty from 'pino-pretty';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerSettings {
  level?: LogLevel;
  /** Component name bound to every line (`citadel`, `sidecar`, …). */
  name?: string;
  /** Force pretty (true) or JSON (false); default: pretty when stderr is a TTY. */
  pretty?: boolean;
  /** Destination; default stderr. Tests pass a stream to capture lines. */
  destination?: NodeJS.WritableStream;
}

/** Keys that must never reach a log line, wherever they appear. */
export const REDACTED_LOG_PATHS = [
  'authorization',
  'cookie',
  'privateKey',
  'private_key',
  'token',
  '*.authorization',
  '*.cookie',
  '*.privateKey',
  '*.private_key',
  '*.token',
  'headers.authorization',
  'headers.cookie',
];

export function createLogger(settings: LoggerSettings = {}): Logger {
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    ...(settings.name === undefined ? {} : { name: settings.name }),
  };
  const usePretty = settings.pretty ?? (settings.destination === undefined && process.stderr.isTTY === true);
  if (usePretty) {
    // Loaded on demand: only a terminal needs it, and a sidecar under a supervisor logs JSON.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
    return pino(
      options,
      pretty({
        destination: settings.destination ?? 2,
        sync: true,
        colorize: settings.destination === undefined,
        ignore: 'pid,hostname',
        translateTime: 'HH:MM:ss.l',
      }),
    );
  }
  return pino(options, settings.destination ?? pino.destination({ fd: 2, sync: true }));
}

/** Parse a level name from a flag or environment variable; undefined when absent. */
export function parseLogLevel(value: string | undefined, source: string): LogLevel | undefined {
  if (value === undefined || value === '') return undefined;
  const lower = value.toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(lower)) return lower as LogLevel;
  throw new RangeError(`${source}: unknown log level "${value}" (expected one of ${LOG_LEVELS.join(', ')})`);
}
