import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

/** Secrets that may sit in a logged object, at the top level or one level down, on any PhoneSafe server. */
const SECRET_KEYS = ['authorization', 'authKey', 'password', 'credential', 'token', 'wrappedDataKey'];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** The `service` field of every line, e.g. `phonesafe-center`. */
  service: string;
  /** The server's own secret keys, redacted like the common ones. */
  secretKeys?: readonly string[];
  /** json (the default): one JSON object per line, for machines; pretty: a line a person reads (time, level, message, fields). */
  format?: 'json' | 'pretty';
}

/**
 * Structured JSON lines. Redaction is a safety net: request logging prints
 * only method, url and addresses, never headers or bodies, and services do
 * not log secrets in the first place.
 */
export function createServerLogger(options: LoggerOptions, destination?: DestinationStream): Logger {
  const keys = [...SECRET_KEYS, ...(options.secretKeys ?? [])];
  const paths = [
    'req.headers.authorization',
    'request.headers.authorization',
    'headers.authorization',
    ...keys,
    ...keys.map((key) => `*.${key}`),
  ];
  const pinoOptions = { level: options.level, base: { service: options.service }, redact: { paths, censor: '[redacted]' } };
  if (options.format === 'pretty') return pino(pinoOptions, prettyStream(destination));
  return destination ? pino(pinoOptions, destination) : pino(pinoOptions);
}

/**
 * pino-pretty in this thread (no transport worker), after redaction, so a
 * pretty line hides what a JSON line hides. Colours only on a terminal.
 */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  const out = (destination ?? process.stdout) as DestinationStream & { isTTY?: boolean };
  return PinoPretty({
    destination: out,
    colorize: out.isTTY === true,
    sync: true,
    translateTime: 'SYS:yyyy-mm-dd HH:MM:ss',
    ignore: 'pid,hostname,service',
  });
}
