import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/** Secrets that may sit in a logged object, at the top level or one level down, on any PhoneSafe server. */
const SECRET_KEYS = ['authorization', 'authKey', 'password', 'credential', 'token', 'wrappedDataKey'];

export interface LoggerOptions {
  level: LevelWithSilent;
  /** The `service` field of every line, e.g. `phonesafe-center`. */
  service: string;
  /** The server's own secret keys, redacted like the common ones. */
  secretKeys?: readonly string[];
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
  return destination ? pino(pinoOptions, destination) : pino(pinoOptions);
}
